"""The WEAT effect size divided by the standard deviation of s(x, A, B) over X
only, instead of over all the target words X ∪ Y."""

_weat_reference = weat


def weat(words, vectors, X, Y, A, B, permutations=None, seed=0):
    result = _weat_reference(words, vectors, X, Y, A, B, permutations, seed)
    unit = _unit_rows(vectors)
    position = {word: i for i, word in enumerate(words)}

    def rows(group):
        return unit[[position[w] for w in group]]

    def s(group):
        targets = rows(group)
        return (targets @ rows(A).T).mean(axis=1) - (targets @ rows(B).T).mean(axis=1)

    sx, sy = s(X), s(Y)
    result["effect_size"] = float((sx.mean() - sy.mean()) / sx.std(ddof=1))
    return result
