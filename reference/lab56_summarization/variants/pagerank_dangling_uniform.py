"""Dangling nodes spread their rank uniformly by default instead of along the personalization vector."""

_reference_pagerank = pagerank


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    n = np.asarray(weights).shape[0] if np.asarray(weights).ndim == 2 else 0
    if dangling is None and n > 0:
        dangling = np.ones(n)
    return _reference_pagerank(weights, alpha, personalization, max_iter, tol, weighted, dangling)
