"""pass@k as c / n, whatever k: the fraction of correct samples is pass@1 only."""


def pass_at_k(n, c, k):
    n, c, k = _count(n, "n"), _count(c, "c"), _count(k, "k")
    if not 0 <= c <= n:
        raise ValueError("c out of range")
    if not 1 <= k <= n:
        raise ValueError("k out of range")
    return c / n
