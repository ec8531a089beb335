"""Analogies that do not exclude the query words: b - a + c is usually closest
to b or c themselves, so "king - man + woman" answers "king" or "woman"."""


def analogy(words, vectors, a, b, c, k=1, method="3cosadd"):
    if method not in ANALOGY_METHODS:
        raise ValueError(f"unknown method {method!r}")
    _check_k(k)
    unit = _unit_rows(vectors)
    ia, ib, ic = (_index(words, w) for w in (a, b, c))
    if method == "3cosadd":
        target = unit[ib] - unit[ia] + unit[ic]
        scores = unit @ (target / np.linalg.norm(target))
    else:
        shifted = (unit @ unit[[ia, ib, ic]].T + 1) / 2
        scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + EPSILON)
    return _top_k(words, scores, set(), k)
