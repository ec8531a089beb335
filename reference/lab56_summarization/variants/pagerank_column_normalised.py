"""The matrix is read as weights[j, i] = edge i -> j (column-stochastic convention applied to a row-wise matrix)."""

_reference_pagerank = pagerank


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    w = np.asarray(weights, dtype=np.float64)
    return _reference_pagerank(w.T if w.ndim == 2 else w, alpha, personalization, max_iter, tol, weighted, dangling)
