"""timescale defaults to 10_000 even when there is a warmup (transformers uses warmup_steps then)."""


def inverse_sqrt_lr(step, base_lr, warmup_steps, timescale=None):
    step = _int(step, "step", 0)
    warmup_steps = _int(warmup_steps, "warmup_steps", 0)
    if timescale is None:
        timescale = 10_000
    timescale = _int(timescale, "timescale", 1)
    base_lr = _nonnegative(base_lr, "base_lr")
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    return base_lr / math.sqrt((step - warmup_steps + timescale) / timescale)
