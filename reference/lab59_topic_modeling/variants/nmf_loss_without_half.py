"""nmf_loss returns the squared Frobenius norm without the factor 1/2."""


def nmf_loss(X, W, H):
    X, W, H = _nonneg_matrix(X, "X"), _nonneg_matrix(W, "W"), _nonneg_matrix(H, "H")
    if W.shape[1] != H.shape[0] or X.shape != (W.shape[0], H.shape[1]):
        raise ValueError("shapes do not chain")
    return float(np.sum((X - W @ H) ** 2))
