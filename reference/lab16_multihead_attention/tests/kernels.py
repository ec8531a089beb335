"""Inputs for the timed kernel ``mha_forward``.

The engine calls ``multi_head_attention_forward(*args, **kwargs)`` on these
inputs (forward only) and compares the checksum of the result, the tuple
``(output, None)``. Causal self-attention, batch 4, sequence 128,
``d_model`` 256, 8 heads: one call of the reference takes about 5-20 ms on one
CPU core (the four projections are about 80 % of the FLOPs).
"""

from __future__ import annotations

import torch

BATCH, SEQ, D_MODEL, NUM_HEADS = 4, 128, 256, 8


def mha_inputs(seed: int) -> tuple[tuple, dict]:
    """``(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, num_heads)``, ``is_causal=True``."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(BATCH, SEQ, D_MODEL, generator=g)
    in_proj_weight = torch.randn(3 * D_MODEL, D_MODEL, generator=g) / D_MODEL**0.5
    in_proj_bias = torch.randn(3 * D_MODEL, generator=g) / 4
    out_proj_weight = torch.randn(D_MODEL, D_MODEL, generator=g) / D_MODEL**0.5
    out_proj_bias = torch.randn(D_MODEL, generator=g) / 4
    return (x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, NUM_HEADS), {"is_causal": True}
