"""nmf records the loss after each update only, not the loss of the starting factors."""

_reference_nmf = nmf


def nmf(X, n_components, n_iter=200, eps=1e-10, W0=None, H0=None, rng=None):
    W, H, losses = _reference_nmf(X, n_components, n_iter, eps, W0, H0, rng)
    return W, H, losses[1:]
