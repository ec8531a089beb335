"""js_divergence always answers in nats: the base argument is ignored."""


def js_divergence(p, q, base=None):
    p, q = _pair(p, q)
    _check_base(base)
    m = (p + q) / 2
    return float((np.sum(special.rel_entr(p, m)) + np.sum(special.rel_entr(q, m))) / 2)
