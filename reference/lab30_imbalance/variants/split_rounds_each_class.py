"""The stratified split rounds each class's test share on its own (round(n_c * test_size)) instead of scikit-learn's allocation."""


def stratified_split(y, test_size=0.25, seed=0):
    y = _labels(y)
    n = len(y)
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ValueError("a float test_size must be in (0, 1)")
        fraction = test_size
    else:
        if not 0 < test_size < n:
            raise ValueError("an int test_size must be in (0, n)")
        fraction = test_size / n
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise ValueError("every class needs at least 2 rows to be stratified")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c, n_c in zip(classes, counts):
        k_test = min(max(round(n_c * fraction), 1), n_c - 1)
        perm = rng.permutation(np.flatnonzero(y == c))
        train.append(perm[: n_c - k_test])
        test.append(perm[n_c - k_test:])
    return np.sort(np.concatenate(train)).astype(np.int64), np.sort(np.concatenate(test)).astype(np.int64)
