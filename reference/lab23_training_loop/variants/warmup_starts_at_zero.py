"""lr_factor's warmup is ``step / warmup_steps``: the first step has a
learning rate of 0 (wasted), and the warmup ends one step late."""

import math


def lr_factor(step, warmup_steps, max_steps, min_factor=0.1):
    if step < 0 or warmup_steps < 0 or max_steps <= warmup_steps or not 0.0 <= min_factor <= 1.0:
        raise ValueError("bad schedule")
    if step < warmup_steps:
        return step / warmup_steps
    progress = min(1.0, (step - warmup_steps) / (max_steps - warmup_steps))
    return min_factor + (1.0 - min_factor) * 0.5 * (1.0 + math.cos(math.pi * progress))
