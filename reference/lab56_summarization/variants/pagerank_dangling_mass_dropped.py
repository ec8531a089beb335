"""The rank held by dangling nodes is dropped instead of being redistributed (the scores leak)."""


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
    if dangling is not None:
        _distribution(dangling, n, "dangling")
    if not weighted:
        w = (w != 0).astype(np.float64)
    out = w.sum(axis=1)
    transition = w / np.where(out == 0, 1.0, out)[:, None]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        x_new = alpha * (x @ transition) + (1.0 - alpha) * p
        if np.abs(x_new - x).sum() < n * tol:
            return x_new
        x = x_new
    raise RuntimeError("no convergence")
