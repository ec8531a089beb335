"""kl_divergence uses p and q as given (counts), without normalising them to sum to 1."""


def kl_divergence(p, q, base=None):
    _pair(p, q)
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    scale = _check_base(base)
    return float(np.sum(special.rel_entr(p, q)) / scale)
