"""Inputs for the timed kernel ``attention_forward_backward``.

The engine calls ``scaled_dot_product_attention(*args, **kwargs)`` on these
inputs (with ``requires_grad`` on the float tensors), then runs
``out.backward(torch.ones_like(out))``. The size is chosen so that one
forward + backward of the reference takes about 5-20 ms on one or two CPU
cores (it takes about 6-10 ms on the course machine).
"""

from __future__ import annotations

import torch

SHAPE = (2, 4, 256, 64)  # (batch, heads, sequence, head size)


def attention_inputs(seed: int) -> tuple[tuple, dict]:
    """Causal self-attention inputs: float32 q, k, v of shape ``SHAPE``."""
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(SHAPE, generator=g) for _ in range(3))
    return (q, k, v), {"is_causal": True}
