"""Universal hashing computed naively in uint64: a * x wraps around modulo 2**64
before the reduction modulo the prime, so the values are not (a*x + b) mod p."""


def universal_hash(x, a, b):
    x = np.asarray(x, dtype=np.uint64)[np.newaxis, :]
    a = np.asarray(a, dtype=np.uint64)[:, np.newaxis]
    b = np.asarray(b, dtype=np.uint64)[:, np.newaxis]
    return (a * x + b) % np.uint64(MERSENNE_PRIME)
