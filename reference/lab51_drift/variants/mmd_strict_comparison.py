"""mmd_test counts only permuted statistics strictly greater than the observed one (ties and within-group reorderings lost)."""


def mmd_test(X, Y, n_permutations=200, bandwidth=None, unbiased=True, seed=0, permutations=None):
    z, n, bw = _prepare(X, Y, bandwidth, unbiased)
    total = len(z)
    if permutations is None:
        if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) or n_permutations < 1:
            raise ValueError("n_permutations must be an int >= 1")
        rng = np.random.default_rng(seed)
        perms = [rng.permutation(total) for _ in range(n_permutations)]
    else:
        perms = [np.asarray(p) for p in permutations]
        if not perms:
            raise ValueError("permutations must not be empty")
        for p in perms:
            if p.shape != (total,) or p.dtype.kind not in "iu" or not np.array_equal(np.sort(p), np.arange(total)):
                raise ValueError("each permutation must rearrange 0 .. n + m - 1")
    k = np.exp(-_sq_dists(z, z) / (2.0 * bw * bw))
    idx = np.arange(total)
    observed = _mmd2_from_kernel(k, idx[:n], idx[n:], unbiased)
    hits = sum(_mmd2_from_kernel(k, p[:n], p[n:], unbiased) > observed + 1e-12 for p in perms)
    return observed, (1 + hits) / (1 + len(perms))
