"""Under-sampling draws with replacement even by default: a kept row can appear twice."""


def random_undersample(X, y, seed, replacement=False):
    y = _labels(y)
    _check_features(X, y)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    n_min = counts.min()
    parts = []
    for c, n_c in zip(classes, counts):
        rows = np.flatnonzero(y == c)
        parts.append(rng.choice(rows, size=n_min, replace=True) if n_c > n_min else rows)
    indices = np.concatenate(parts).astype(np.int64)
    return _take(X, indices), y[indices], indices
