"""Batch sizes are not type-checked: floats and bools are accepted."""


def scale_lr(base_lr: float, base_batch: int, new_batch: int, rule: str = "linear") -> float:
    if base_batch < 1 or new_batch < 1:
        raise ValueError("batch sizes must be >= 1")
    if base_lr < 0:
        raise ValueError(f"base_lr must be >= 0, got {base_lr}")
    if rule == "linear":
        return float(base_lr * new_batch / base_batch)
    if rule == "sqrt":
        return float(base_lr * math.sqrt(new_batch / base_batch))
    raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
