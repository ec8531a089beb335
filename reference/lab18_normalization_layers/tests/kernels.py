"""Inputs for the timed kernel ``layer_norm_forward``.

The engine calls ``layer_norm_forward(*args, **kwargs)`` on these inputs
(forward only, one thread) and compares the output with the reference's by
checksum. One call of the reference takes about 9 ms on one core of the course
machine when it is quiet (16 MB in, 16 MB out: memory-bound).
"""

from __future__ import annotations

import torch

ROWS, WIDTH = 4096, 1024


def layer_norm_inputs(seed: int) -> tuple[tuple, dict]:
    """float32 activations ``(ROWS, WIDTH)`` with a per-row offset, and a random weight and bias."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(ROWS, WIDTH, generator=g) * 2.0 + torch.randn(ROWS, 1, generator=g) * 3.0
    weight = 1.0 + 0.1 * torch.randn(WIDTH, generator=g)
    bias = 0.1 * torch.randn(WIDTH, generator=g)
    return (x, (WIDTH,), weight, bias, 1e-5), {}
