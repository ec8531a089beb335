"""js_divergence returns the Jensen-Shannon DISTANCE (the square root, what scipy's jensenshannon gives)."""


def js_divergence(p, q, base=None):
    p, q = _pair(p, q)
    scale = _check_base(base)
    m = (p + q) / 2
    return float(np.sqrt((np.sum(special.rel_entr(p, m)) + np.sum(special.rel_entr(q, m))) / 2 / scale))
