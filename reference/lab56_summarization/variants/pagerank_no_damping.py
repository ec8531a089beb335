"""PageRank without damping: alpha is ignored (always 1), so there is no teleport to the personalization vector."""

_reference_pagerank = pagerank


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    return _reference_pagerank(weights, 1.0, personalization, max_iter, tol, weighted, dangling)
