"""3CosMul on raw cosines, without shifting them to [0, 1] by (cos + 1) / 2:
negative cosines flip signs in the product and the ranking goes wrong."""


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
        cosines = unit @ unit[[ia, ib, ic]].T
        scores = cosines[:, 1] * cosines[:, 2] / (cosines[:, 0] + EPSILON)
    return _top_k(words, scores, {ia, ib, ic}, k)
