"""bin_edges uses numpy.quantile's 'nearest' method instead of the default 'linear' interpolation."""


def bin_edges(reference, n_bins=10, strategy="quantile"):
    ref = _sample(reference, "reference")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError("n_bins must be an int >= 1")
    if strategy == "quantile":
        edges = np.quantile(ref, np.arange(1, n_bins) / n_bins, method="nearest")
    elif strategy == "uniform":
        edges = np.linspace(ref.min(), ref.max(), n_bins + 1)[1:-1] if ref.max() > ref.min() else np.empty(0)
    else:
        raise ValueError("strategy must be 'quantile' or 'uniform'")
    return np.unique(edges)
