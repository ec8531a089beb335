"""psi takes the bin edges from both samples pooled instead of from the reference only."""


def psi(reference, current, n_bins=10, strategy="quantile", eps=1e-4):
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    edges = bin_edges(np.concatenate([ref, cur]), n_bins, strategy)
    if not eps > 0:
        raise ValueError("eps must be > 0")
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=k) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=k) / cur.size
    r, c = np.maximum(r, eps), np.maximum(c, eps)
    return float(np.sum((c - r) * np.log(c / r)))
