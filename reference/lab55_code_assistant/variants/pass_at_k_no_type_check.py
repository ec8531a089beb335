"""Arguments are converted with int(): 5.0 and True are silently accepted as counts."""

_pass_at_k = pass_at_k


def pass_at_k(n, c, k):
    return _pass_at_k(int(n), int(c), int(k))
