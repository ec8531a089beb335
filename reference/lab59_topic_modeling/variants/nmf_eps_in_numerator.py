"""nmf_update adds eps to the numerators as well as the denominators (zeros no longer stay zero)."""


def nmf_update(X, W, H, eps=1e-10):
    eps = _positive(eps, "eps")
    X, W, H = _nonneg_matrix(X, "X"), _nonneg_matrix(W, "W"), _nonneg_matrix(H, "H")
    if W.shape[1] != H.shape[0] or X.shape != (W.shape[0], H.shape[1]):
        raise ValueError("shapes do not chain")
    W = W * (X @ H.T + eps) / (W @ H @ H.T + eps)
    H = H * (W.T @ X + eps) / (W.T @ W @ H + eps)
    return W, H
