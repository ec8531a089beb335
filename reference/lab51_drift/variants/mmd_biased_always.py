"""mmd2 keeps the diagonal (the biased estimate) even when unbiased=True is asked."""


def _mmd2_from_kernel(k, idx_x, idx_y, unbiased):
    kxx, kyy, kxy = k[np.ix_(idx_x, idx_x)], k[np.ix_(idx_y, idx_y)], k[np.ix_(idx_x, idx_y)]
    return float(kxx.mean() + kyy.mean() - 2.0 * kxy.mean())
