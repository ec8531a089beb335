"""The WEAT p-value counts only the splits whose statistic is strictly
greater than the observed one (``>`` instead of ``>=``): splits that tie with
the observed statistic, the observed split among them, are left out."""

_reference_weat = weat


def weat(words, vectors, X, Y, A, B, permutations=None, seed=0):
    result = _reference_weat(words, vectors, X, Y, A, B, permutations, seed)
    unit = _unit_rows(vectors)
    position = {word: i for i, word in enumerate(words)}
    targets = unit[[position[w] for w in list(X) + list(Y)]]
    association = (targets @ unit[[position[w] for w in A]].T).mean(axis=1) - (targets @ unit[[position[w] for w in B]].T).mean(axis=1)
    n = len(X)
    if permutations is None:
        splits = np.array(list(combinations(range(2 * n), n)))
    else:
        rng = np.random.default_rng(seed)
        splits = np.array([rng.permutation(2 * n)[:n] for _ in range(permutations)])
    splits = np.vstack([np.arange(n), splits])
    in_x = association[splits].sum(axis=1)
    statistics = in_x - (association.sum() - in_x)
    result["p_value"] = float(np.mean(statistics[1:] > statistics[0]))
    return result
