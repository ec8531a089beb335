"""mmd2's kernel is exp(-||a - b||^2 / bandwidth^2): the factor 2 of 2 sigma^2 is missing."""


def mmd2(X, Y, bandwidth=None, unbiased=True):
    z, n, bw = _prepare(X, Y, bandwidth, unbiased)
    k = np.exp(-_sq_dists(z, z) / (bw * bw))
    idx = np.arange(len(z))
    return _mmd2_from_kernel(k, idx[:n], idx[n:], unbiased)
