"""Calls networkx.pagerank instead of writing the power iteration (trips the code check)."""

import networkx as nx


def pagerank(weights, alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0:
        return np.zeros(0)
    graph = nx.from_numpy_array(w, create_using=nx.DiGraph)
    kwargs = {k: dict(enumerate(v)) for k, v in (("personalization", personalization), ("dangling", dangling)) if v is not None}
    scores = nx.pagerank(graph, alpha=alpha, max_iter=max_iter, tol=tol, weight="weight" if weighted else None, **kwargs)
    return np.array([scores[i] for i in range(len(w))])
