"""The cosine is not stopped at max_steps: after it, the learning rate climbs back up."""


def lr_at(step, *, max_lr, min_lr, warmup_steps, max_steps):
    if step < 0 or warmup_steps < 0 or max_steps < warmup_steps:
        raise ValueError("need step >= 0 and 0 <= warmup_steps <= max_steps")
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, max_steps - warmup_steps)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (max_lr - min_lr)
