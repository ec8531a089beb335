"""min_lr is validated but ignored: the cosine always decays to 0."""


def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, num_cycles=0.5, min_lr=0.0):
    step = _int(step, "step", 0)
    total_steps = _int(total_steps, "total_steps", 1)
    warmup_steps = _int(warmup_steps, "warmup_steps", 0)
    if warmup_steps > total_steps:
        raise ValueError("warmup_steps > total_steps")
    base_lr = _nonnegative(base_lr, "base_lr")
    num_cycles = _positive(num_cycles, "num_cycles")
    min_lr = _nonnegative(min_lr, "min_lr")
    if min_lr > base_lr:
        raise ValueError("min_lr > base_lr")
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return base_lr * (1 + math.cos(2 * math.pi * num_cycles * progress)) / 2
