"""psi does not floor the bin fractions at eps: an empty bin gives ln(0) and an infinite (or nan) PSI."""


def psi(reference, current, n_bins=10, strategy="quantile", eps=1e-4):
    edges = bin_edges(reference, n_bins, strategy)
    ref, cur = _sample(reference, "reference"), _sample(current, "current")
    if not eps > 0:
        raise ValueError("eps must be > 0")
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=k) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=k) / cur.size
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((c - r) * np.log(c / r)))
