"""The stopping rule compares the L1 change with tol instead of n * tol (too many iterations)."""

_reference_pagerank = pagerank


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    n = max(np.asarray(weights).shape[0], 1) if np.asarray(weights).ndim else 1
    return _reference_pagerank(weights, alpha, personalization, max_iter, tol / n, weighted, dangling)
