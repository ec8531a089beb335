"""mmd_test ignores the seed (always default_rng(0)): every 'independent' test reuses the same permutations."""

_mmd_test_orig = mmd_test


def mmd_test(X, Y, n_permutations=200, bandwidth=None, unbiased=True, seed=0, permutations=None):
    return _mmd_test_orig(X, Y, n_permutations, bandwidth, unbiased, 0, permutations)
