"""Kaiming uniform uses the std gain / sqrt(fan) as its bound (sqrt(3) forgotten)."""

import math

import torch


def kaiming_uniform(
    shape: Sequence[int],
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    std = _kaiming_std(shape, a, mode, nonlinearity)
    return _uniform(shape, std, seed, dtype)
