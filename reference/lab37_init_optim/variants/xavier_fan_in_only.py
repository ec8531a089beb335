"""Xavier uniform and normal use 2 * fan_in instead of fan_in + fan_out."""

import math

import torch


def xavier_uniform(
    shape: Sequence[int], gain: float = 1.0, *, seed: int = 0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    fan_in, fan_out = fan_in_fan_out(shape)
    bound = gain * math.sqrt(6.0 / (2 * fan_in))
    return _uniform(shape, bound, seed, dtype)


def xavier_normal(
    shape: Sequence[int], gain: float = 1.0, *, seed: int = 0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    fan_in, fan_out = fan_in_fan_out(shape)
    std = gain * math.sqrt(2.0 / (2 * fan_in))
    return _normal(shape, std, seed, dtype)
