"""GloVe without the weighting function: every non-zero co-occurrence gets
weight 1, so rare, noisy pairs count as much as frequent ones."""


def glove_loss(w, w_ctx, b, b_ctx, X, x_max=100.0, alpha=0.75):
    i, j = torch.nonzero(X > 0, as_tuple=True)
    err = (w[i] * w_ctx[j]).sum(-1) + b[i] + b_ctx[j] - torch.log(X[i, j])
    return (err**2).sum()


def glove_weight(x, x_max=100.0, alpha=0.75):
    x = np.asarray(x, dtype=np.float64)
    return (x > 0).astype(np.float64)
