"""Step decay counts from 1: base_lr * gamma ** ((step + 1) // step_size), decaying one step early."""


def step_lr(step, base_lr, step_size, gamma=0.1):
    step = _int(step, "step", 0)
    step_size = _int(step_size, "step_size", 1)
    base_lr = _nonnegative(base_lr, "base_lr")
    gamma = _positive(gamma, "gamma")
    return base_lr * gamma ** ((step + 1) // step_size)
