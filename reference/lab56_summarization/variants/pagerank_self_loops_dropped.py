"""Self-loops are removed before ranking (networkx keeps them as ordinary out-edges)."""

_reference_pagerank = pagerank


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    w = np.array(weights, dtype=np.float64)
    if w.ndim == 2 and w.shape[0] == w.shape[1]:
        np.fill_diagonal(w, 0.0)
    return _reference_pagerank(w, alpha, personalization, max_iter, tol, weighted, dangling)
