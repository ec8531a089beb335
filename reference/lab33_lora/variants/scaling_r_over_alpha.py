"""The scaling is inverted: r / alpha instead of alpha / r."""


def lora_scaling(r: int, alpha: float, use_rslora: bool = False) -> float:
    if isinstance(r, bool) or not isinstance(r, int) or r < 1:
        raise ValueError(f"r must be a positive int, got {r!r}")
    return math.sqrt(r) / alpha if use_rslora else r / alpha
