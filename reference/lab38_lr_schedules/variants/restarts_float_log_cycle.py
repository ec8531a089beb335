"""The cycle index comes from a float logarithm (as torch's step(epoch) path): wrong at some cycle boundaries and huge steps."""


def cosine_restarts_lr(step, base_lr, t_0, t_mult=1, eta_min=0.0):
    step = _int(step, "step", 0)
    t_0 = _int(t_0, "t_0", 1)
    t_mult = _int(t_mult, "t_mult", 1)
    base_lr = _nonnegative(base_lr, "base_lr")
    eta_min = _nonnegative(eta_min, "eta_min")
    if eta_min > base_lr:
        raise ValueError("eta_min > base_lr")
    if t_mult == 1:
        t_cur, t_i = step % t_0, t_0
    else:
        n = int(math.log(step / t_0 * (t_mult - 1) + 1, t_mult))
        t_cur = step - t_0 * (t_mult**n - 1) / (t_mult - 1)
        t_i = t_0 * t_mult**n
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2
