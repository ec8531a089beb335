"""nmf_update computes H's update from the old W (a simultaneous update) instead of the new one."""


def nmf_update(X, W, H, eps=1e-10):
    eps = _positive(eps, "eps")
    X, W, H = _nonneg_matrix(X, "X"), _nonneg_matrix(W, "W"), _nonneg_matrix(H, "H")
    if W.shape[1] != H.shape[0] or X.shape != (W.shape[0], H.shape[1]):
        raise ValueError("shapes do not chain")
    W_new = W * (X @ H.T) / (W @ H @ H.T + eps)
    H_new = H * (W.T @ X) / (W.T @ W @ H + eps)
    return W_new, H_new
