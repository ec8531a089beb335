"""mmd2 expands ||a - b||^2 = |a|^2 + |b|^2 - 2 a.b on the raw data: it cancels catastrophically with a large offset."""


def _prepare(X, Y, bandwidth, unbiased):
    x, y = _embeddings(X, "X"), _embeddings(Y, "Y")
    if x.shape[1] != y.shape[1]:
        raise ValueError("X and Y must have the same number of columns")
    if unbiased and min(len(x), len(y)) < 2:
        raise ValueError("the unbiased estimator needs at least 2 rows in X and in Y")
    z = np.concatenate([x, y])
    if bandwidth is None:
        bandwidth = _median_bandwidth(z)
    elif not (bandwidth > 0 and math.isfinite(bandwidth)):
        raise ValueError("bandwidth must be a finite float > 0")
    return z, len(x), float(bandwidth)
