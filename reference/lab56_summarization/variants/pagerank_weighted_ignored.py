"""weighted=False is ignored: the edge weights are always used."""

_reference_pagerank = pagerank


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    return _reference_pagerank(weights, alpha, personalization, max_iter, tol, True, dangling)
