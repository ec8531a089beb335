"""The square-root rule applied as the linear one."""


def scale_lr(base_lr: float, base_batch: int, new_batch: int, rule: str = "linear") -> float:
    _check_batch("base_batch", base_batch)
    _check_batch("new_batch", new_batch)
    if base_lr < 0:
        raise ValueError(f"base_lr must be >= 0, got {base_lr}")
    if rule == "linear":
        return float(base_lr * new_batch / base_batch)
    if rule == "sqrt":
        return float(base_lr * new_batch / base_batch)
    raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
