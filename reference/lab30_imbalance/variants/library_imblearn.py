"""Uses imbalanced-learn's RandomOverSampler (forbidden by the static check; its draws differ from the documented ones)."""

from imblearn.over_sampling import RandomOverSampler


def random_oversample(X, y, seed):
    y = _labels(y)
    _check_features(X, y)
    sampler = RandomOverSampler(random_state=seed)
    sampler.fit_resample(np.zeros((len(y), 1)), y)
    indices = np.asarray(sampler.sample_indices_, dtype=np.int64)
    return _take(X, indices), y[indices], indices
