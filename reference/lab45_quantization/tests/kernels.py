"""Inputs for the timed kernel ``int8_linear``.

The engine calls ``int8_linear(x, weight_q, scale, zero_point, bias)``: a
batch of 64 float32 activations of width 1024 through an int8 weight of
shape (1024, 1024) with per-output-channel scales and (asymmetric) zero
points. The reference dequantizes the weight once and runs one float32
matmul; work done per output channel or per row in Python (a loop of 1024
small products), or in float64, shows up in the time.
"""

from __future__ import annotations

import torch

BATCH, D_IN, D_OUT = 64, 1024, 1024


def int8_linear_inputs(seed: int) -> tuple[tuple, dict]:
    """Random activations, random int8 codes, positive per-channel scales, zero points and a bias."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(BATCH, D_IN, generator=g)
    weight_q = torch.randint(-128, 128, (D_OUT, D_IN), generator=g, dtype=torch.int8)
    scale = (torch.rand(D_OUT, generator=g) + 0.5) * 1e-3
    zero_point = torch.randint(-10, 11, (D_OUT,), generator=g, dtype=torch.int64)
    bias = torch.randn(D_OUT, generator=g) * 0.1
    return (x, weight_q, scale, zero_point, bias), {}
