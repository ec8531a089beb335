"""Over-sampling redraws n_max rows for every class (the majority class too) instead of adding rows to the smaller ones."""


def random_oversample(X, y, seed):
    y = _labels(y)
    _check_features(X, y)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    parts = [rng.choice(np.flatnonzero(y == c), size=counts.max(), replace=True) for c in classes]
    indices = np.concatenate(parts).astype(np.int64)
    return _take(X, indices), y[indices], indices
