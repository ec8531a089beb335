"""Rank-stabilised scaling alpha / sqrt(r) is used even when use_rslora is False."""


def lora_scaling(r: int, alpha: float, use_rslora: bool = False) -> float:
    if isinstance(r, bool) or not isinstance(r, int) or r < 1:
        raise ValueError(f"r must be a positive int, got {r!r}")
    return alpha / math.sqrt(r)
