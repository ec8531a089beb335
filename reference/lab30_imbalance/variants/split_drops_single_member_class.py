"""The stratified split silently drops a class with one member from both sets instead of raising ValueError."""

_reference_stratified_split = stratified_split


def stratified_split(y, test_size=0.25, seed=0):
    y = _labels(y)
    classes, counts = np.unique(y, return_counts=True)
    keep = np.flatnonzero(np.isin(y, classes[counts >= 2]))
    if len(keep) == len(y):
        return _reference_stratified_split(y, test_size, seed)
    train, test = _reference_stratified_split(y[keep], test_size, seed)
    return keep[train], keep[test]
