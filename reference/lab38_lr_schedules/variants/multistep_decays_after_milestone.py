"""The decay happens the step after a milestone (milestone < step instead of <=)."""


def multistep_lr(step, base_lr, milestones, gamma=0.1):
    step = _int(step, "step", 0)
    passed = sum(1 for m in milestones if _int(m, "milestone", 0) < step)
    base_lr = _nonnegative(base_lr, "base_lr")
    gamma = _positive(gamma, "gamma")
    return base_lr * gamma**passed
