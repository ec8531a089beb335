"""The closed form with floating-point binomials: C(n, k) overflows to inf for large n, and inf / inf is nan."""

from scipy.special import comb


def pass_at_k(n, c, k):
    n, c, k = _count(n, "n"), _count(c, "c"), _count(k, "k")
    if not 0 <= c <= n:
        raise ValueError("c out of range")
    if not 1 <= k <= n:
        raise ValueError("k out of range")
    if n - c < k:
        return 1.0
    return float(1.0 - comb(n - c, k) / comb(n, k))
