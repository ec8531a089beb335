"""nmf draws a missing factor uniformly in [0, 1) instead of sqrt(mean(X)/k) * |N(0, 1)|."""

_reference_nmf = nmf


def nmf(X, n_components, n_iter=200, eps=1e-10, W0=None, H0=None, rng=None):
    Xa = _nonneg_matrix(X, "X")
    k = _int(n_components, "n_components", 1)
    generator = _rng(rng)
    if W0 is None:
        W0 = generator.random((Xa.shape[0], k))
    if H0 is None:
        H0 = generator.random((k, Xa.shape[1]))
    return _reference_nmf(X, n_components, n_iter, eps, W0, H0, rng)
