"""psi puts a value equal to an edge into the bin on its LEFT (bins closed on the right, searchsorted side='left')."""


def psi(reference, current, n_bins=10, strategy="quantile", eps=1e-4):
    edges = bin_edges(reference, n_bins, strategy)
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    if not eps > 0:
        raise ValueError("eps must be > 0")
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k) / cur.size
    r, c = np.maximum(r, eps), np.maximum(c, eps)
    return float(np.sum((c - r) * np.log(c / r)))
