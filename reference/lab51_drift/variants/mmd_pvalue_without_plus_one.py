"""mmd_test's p-value is b / B (no +1 in numerator and denominator): it can be 0."""

_mmd_test_orig = mmd_test


def mmd_test(X, Y, n_permutations=200, bandwidth=None, unbiased=True, seed=0, permutations=None):
    stat, p = _mmd_test_orig(X, Y, n_permutations, bandwidth, unbiased, seed, permutations)
    b_total = n_permutations if permutations is None else len(permutations)
    return stat, (p * (1 + b_total) - 1) / b_total
