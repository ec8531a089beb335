"""The stopping rule uses the largest change of one score (max norm) instead of the L1 norm."""


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1] or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("bad weights")
    if not 0.0 <= alpha <= 1.0 or max_iter < 1 or not tol > 0:
        raise ValueError("bad arguments")
    n = w.shape[0]
    if n == 0:
        return np.zeros(0)
    p = np.full(n, 1.0 / n) if personalization is None else _distribution(personalization, n, "personalization")
    d = p if dangling is None else _distribution(dangling, n, "dangling")
    if not weighted:
        w = (w != 0).astype(np.float64)
    out = w.sum(axis=1)
    is_dangling = out == 0
    transition = w / np.where(is_dangling, 1.0, out)[:, None]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        x_new = alpha * (x @ transition + x[is_dangling].sum() * d) + (1.0 - alpha) * p
        if np.abs(x_new - x).max() < n * tol:
            return x_new
        x = x_new
    raise RuntimeError("no convergence")
