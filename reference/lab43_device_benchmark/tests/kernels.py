"""Inputs for the timed kernel ``tiled_matmul``.

The engine calls ``tiled_matmul(a, b, tile=64)`` on two float32 (384, 384)
matrices: 6 x 6 output blocks of 6 partial products each, 216 small matmuls
(a few milliseconds on one CPU thread). Work done per element or per row in
Python, copies of whole matrices per block, or blocks summed one rank-1
update at a time show up in the time.
"""

from __future__ import annotations

import torch

SIZE, TILE = 384, 64


def matmul_inputs(seed: int) -> tuple[tuple, dict]:
    """Two standard-normal float32 (SIZE, SIZE) matrices."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(SIZE, SIZE, generator=g)
    b = torch.randn(SIZE, SIZE, generator=g)
    return (a, b), {"tile": TILE}
