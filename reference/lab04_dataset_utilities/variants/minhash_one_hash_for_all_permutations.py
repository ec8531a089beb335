"""MinHash with one hash function repeated num_perm times: every position of a
signature holds the same minimum, so the estimate is always 0 or 1."""


def minhash_signatures(shingle_sets, num_perm=128, seed=0):
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, got {num_perm}")
    a, b = permutation_parameters(1, seed)
    sets = [set(s) for s in shingle_sets]
    out = np.full((len(sets), num_perm), MERSENNE_PRIME, dtype=np.uint64)
    for d, s in enumerate(sets):
        if s:
            x = np.array([hash_shingle(t) for t in s], dtype=np.uint64)
            out[d, :] = universal_hash(x, a, b).min()
    return out
