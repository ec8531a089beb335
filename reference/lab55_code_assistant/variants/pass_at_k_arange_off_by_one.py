"""The product runs over i = n-c .. n instead of n-c+1 .. n (one factor too many)."""


def pass_at_k(n, c, k):
    n, c, k = _count(n, "n"), _count(c, "c"), _count(k, "k")
    if not 0 <= c <= n:
        raise ValueError("c out of range")
    if not 1 <= k <= n:
        raise ValueError("k out of range")
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(max(n - c, 1), n + 1, dtype=np.float64)))
