"""split_then_oversample over-samples the whole data first and splits afterwards: copies of a row leak into the test part."""


def split_then_oversample(X, y, test_size=0.25, seed=0):
    y = _labels(y)
    _check_features(X, y)
    X_all, y_all, _ = random_oversample(X, y, seed)
    train_idx, test_idx = stratified_split(y_all, test_size, seed)
    return _take(X_all, train_idx), y_all[train_idx], _take(X_all, test_idx), y_all[test_idx]
