"""Xavier normal uses the uniform bound sqrt(6 / (fan_in + fan_out)) as its std."""

import math

import torch


def xavier_normal(
    shape: Sequence[int], gain: float = 1.0, *, seed: int = 0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    fan_in, fan_out = fan_in_fan_out(shape)
    std = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _normal(shape, std, seed, dtype)
