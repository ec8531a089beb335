"""nmf_update updates H first and then W (the opposite of the stated order)."""


def nmf_update(X, W, H, eps=1e-10):
    eps = _positive(eps, "eps")
    X, W, H = _nonneg_matrix(X, "X"), _nonneg_matrix(W, "W"), _nonneg_matrix(H, "H")
    if W.shape[1] != H.shape[0] or X.shape != (W.shape[0], H.shape[1]):
        raise ValueError("shapes do not chain")
    H = H * (W.T @ X) / (W.T @ W @ H + eps)
    W = W * (X @ H.T) / (W @ H @ H.T + eps)
    return W, H
