"""GPT-2 residual projections scaled by 1 / sqrt(n_layer) instead of 1 / sqrt(2 * n_layer)."""

import math

import torch


def gpt2_init(
    shapes: Mapping[str, Sequence[int]], n_layer: int, *, std: float = 0.02, seed: int = 0
) -> dict[str, torch.Tensor]:
    if n_layer < 1:
        raise ValueError(f"n_layer must be >= 1, got {n_layer}")
    g = torch.Generator().manual_seed(seed)
    residual_std = std / math.sqrt(n_layer)
    out = {}
    for name, shape in shapes.items():
        shape = tuple(int(s) for s in shape)
        if len(shape) == 0:
            raise ValueError(f"parameter {name!r} has no dimensions")
        if name.endswith("c_proj.weight"):
            out[name] = torch.empty(shape).normal_(0.0, residual_std, generator=g)
        elif len(shape) >= 2:
            out[name] = torch.empty(shape).normal_(0.0, std, generator=g)
        elif name.endswith("bias"):
            out[name] = torch.zeros(shape)
        else:
            out[name] = torch.ones(shape)
    return out
