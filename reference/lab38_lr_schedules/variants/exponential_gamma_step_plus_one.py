"""Exponential decay applies one factor too many: base_lr * gamma ** (step + 1)."""


def exponential_lr(step, base_lr, gamma):
    step = _int(step, "step", 0)
    base_lr = _nonnegative(base_lr, "base_lr")
    gamma = _positive(gamma, "gamma")
    return base_lr * gamma ** (step + 1)
