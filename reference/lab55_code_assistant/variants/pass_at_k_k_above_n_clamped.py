"""k > n is clamped to n instead of raising: there are too few samples to estimate pass@k."""

_pass_at_k = pass_at_k


def pass_at_k(n, c, k):
    if isinstance(k, int) and not isinstance(k, bool) and isinstance(n, int) and k > n >= 1:
        k = n
    return _pass_at_k(n, c, k)
