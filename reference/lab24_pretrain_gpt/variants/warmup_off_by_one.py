"""The warmup uses step / warmup_steps: the first step has a learning rate of 0."""


def lr_at(step, *, max_lr, min_lr, warmup_steps, max_steps):
    if step < 0 or warmup_steps < 0 or max_steps < warmup_steps:
        raise ValueError("need step >= 0 and 0 <= warmup_steps <= max_steps")
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if step >= max_steps:
        return float(min_lr)
    progress = (step - warmup_steps) / (max_steps - warmup_steps)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (max_lr - min_lr)
