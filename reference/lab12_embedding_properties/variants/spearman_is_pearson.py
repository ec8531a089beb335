"""Spearman's rho computed as the Pearson correlation of the raw values instead
of their ranks."""


def spearman_correlation(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError("x and y must be 1-D sequences of the same length >= 2")
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt((x @ x) * (y @ y))
    return float("nan") if denominator == 0 else float(x @ y / denominator)
