"""Inputs for the timed kernel ``lora_forward``.

The engine calls ``lora_forward(x, weight, bias, lora_A, lora_B, scaling)``
on a batch of 32 rows through a 1024 -> 1024 layer of rank 16 (a few tokens
through one projection of a small model, as in generation or a small
fine-tuning batch). Through the rank-16 bottleneck the update costs about
3 % of the base matrix product; forming ``lora_B @ lora_A`` (a full
1024 x 1024 matrix, for every call) and multiplying ``x`` by it, or merging
it into the weight for every call, is several times slower.
"""

from __future__ import annotations

import torch

ROWS, IN, OUT, RANK = 32, 1024, 1024, 16


def lora_inputs(seed: int) -> tuple[tuple, dict]:
    """Random x, weights, bias and LoRA factors; scaling alpha / r = 2."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(ROWS, IN, generator=g)
    weight = torch.randn(OUT, IN, generator=g) / IN**0.5
    bias = 0.1 * torch.randn(OUT, generator=g)
    lora_A = torch.randn(RANK, IN, generator=g) / IN**0.5
    lora_B = 0.1 * torch.randn(OUT, RANK, generator=g)
    return (x, weight, bias, lora_A, lora_B, 2.0), {}
