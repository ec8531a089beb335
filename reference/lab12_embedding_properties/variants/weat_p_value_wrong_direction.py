"""The WEAT p-value counts the splits whose statistic is <= the observed one
(the wrong tail): a strong association of X with A gets p close to 1."""


def weat(words, vectors, X, Y, A, B, permutations=None, seed=0):
    if not (X and Y and A and B) or len(X) != len(Y):
        raise ValueError("X and Y must be non-empty and equally large; A and B non-empty")
    unit = _unit_rows(vectors)
    position = {word: i for i, word in enumerate(words)}

    def rows(group):
        return unit[[position[w] for w in group]]

    targets = rows(list(X) + list(Y))
    association = (targets @ rows(A).T).mean(axis=1) - (targets @ rows(B).T).mean(axis=1)
    n = len(X)
    effect_size = (association[:n].mean() - association[n:].mean()) / association.std(ddof=1)
    if permutations is None:
        splits = np.array(list(combinations(range(2 * n), n)))
    else:
        rng = np.random.default_rng(seed)
        splits = np.array([rng.permutation(2 * n)[:n] for _ in range(permutations)])
    statistics = 2 * association[splits].sum(axis=1) - association.sum()
    observed = 2 * association[:n].sum() - association.sum()
    p_value = float(np.mean(statistics <= observed))
    return {"effect_size": float(effect_size), "statistic": float(observed), "p_value": p_value}
