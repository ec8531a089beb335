"""Milestones go through a set: a milestone listed twice decays once (torch counts it twice)."""


def multistep_lr(step, base_lr, milestones, gamma=0.1):
    step = _int(step, "step", 0)
    passed = sum(1 for m in set(milestones) if _int(m, "milestone", 0) <= step)
    base_lr = _nonnegative(base_lr, "base_lr")
    gamma = _positive(gamma, "gamma")
    return base_lr * gamma**passed
