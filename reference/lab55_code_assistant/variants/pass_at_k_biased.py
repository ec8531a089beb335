"""pass@k as 1 - (1 - c/n)^k: draws with replacement, the biased estimator the Codex paper warns against."""


def pass_at_k(n, c, k):
    n, c, k = _count(n, "n"), _count(c, "c"), _count(k, "k")
    if not 0 <= c <= n:
        raise ValueError("c out of range")
    if not 1 <= k <= n:
        raise ValueError("k out of range")
    return float(1.0 - (1.0 - c / n) ** k)
