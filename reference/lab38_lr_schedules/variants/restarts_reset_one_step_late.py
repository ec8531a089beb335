"""The restart happens one step late: the cycle also covers T_cur == T_i (reaching eta_min), a cycle of T_i + 1 steps."""


def cosine_restarts_lr(step, base_lr, t_0, t_mult=1, eta_min=0.0):
    step = _int(step, "step", 0)
    t_0 = _int(t_0, "t_0", 1)
    t_mult = _int(t_mult, "t_mult", 1)
    base_lr = _nonnegative(base_lr, "base_lr")
    eta_min = _nonnegative(eta_min, "eta_min")
    if eta_min > base_lr:
        raise ValueError("eta_min > base_lr")
    if t_mult == 1:
        t_cur, t_i = step % (t_0 + 1), t_0
    else:
        t_cur, t_i = step, t_0
        while t_cur > t_i:
            t_cur -= t_i + 1
            t_i *= t_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2
