"""psi renormalises the fractions to sum to 1 after flooring them at eps (the docstring says no renormalisation)."""


def psi(reference, current, n_bins=10, strategy="quantile", eps=1e-4):
    edges = bin_edges(reference, n_bins, strategy)
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    if not eps > 0:
        raise ValueError("eps must be > 0")
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=k) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=k) / cur.size
    r, c = np.maximum(r, eps), np.maximum(c, eps)
    r, c = r / r.sum(), c / c.sum()
    return float(np.sum((c - r) * np.log(c / r)))
