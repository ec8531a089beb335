"""Shingles hashed with Python's built-in hash(), which is salted per process
for strings: signatures are not reproducible across processes or machines,
and differ from the specified CRC-32."""


def hash_shingle(shingle):
    return hash(shingle) & 0xFFFFFFFF


def minhash_signatures(shingle_sets, num_perm=128, seed=0):
    a, b = permutation_parameters(num_perm, seed)
    sets = [set(s) for s in shingle_sets]
    out = np.full((len(sets), num_perm), MERSENNE_PRIME, dtype=np.uint64)
    for d, s in enumerate(sets):
        if s:
            x = np.array([hash_shingle(t) for t in s], dtype=np.uint64)
            out[d] = universal_hash(x, a, b).min(axis=1)
    return out
