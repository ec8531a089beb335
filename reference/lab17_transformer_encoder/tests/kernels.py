"""Inputs for the timed kernel ``encoder_forward``.

The engine calls ``encoder_forward(x, params, num_heads, **kwargs)`` on these
inputs (forward only, the encoder in eval mode): a 2-layer pre-norm GELU
encoder with a final LayerNorm, ``d_model = 128``, 4 heads, feed-forward
size 512, on a batch of 6 right-padded float32 sequences of length 64. One
call of the reference does about 0.33 GFLOP and takes about 8-12 ms on one
unloaded CPU core (two to three times that on a busy shared machine).
"""

from __future__ import annotations

import torch

BATCH, SEQ, D_MODEL, HEADS, FF, LAYERS = 6, 64, 128, 4, 512, 2


def _shapes() -> dict[str, tuple[int, ...]]:
    """The state_dict layout of nn.TransformerEncoder with a final norm."""
    layer = {
        "self_attn.in_proj_weight": (3 * D_MODEL, D_MODEL),
        "self_attn.in_proj_bias": (3 * D_MODEL,),
        "self_attn.out_proj.weight": (D_MODEL, D_MODEL),
        "self_attn.out_proj.bias": (D_MODEL,),
        "linear1.weight": (FF, D_MODEL),
        "linear1.bias": (FF,),
        "linear2.weight": (D_MODEL, FF),
        "linear2.bias": (D_MODEL,),
        "norm1.weight": (D_MODEL,),
        "norm1.bias": (D_MODEL,),
        "norm2.weight": (D_MODEL,),
        "norm2.bias": (D_MODEL,),
    }
    shapes = {f"layers.{i}.{name}": shape for i in range(LAYERS) for name, shape in layer.items()}
    shapes.update({"norm.weight": (D_MODEL,), "norm.bias": (D_MODEL,)})
    return shapes


def encoder_inputs(seed: int) -> tuple[tuple, dict]:
    """Random weights (LayerNorm weights around 1), inputs and a padding mask."""
    g = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in _shapes().items():
        noise = torch.randn(shape, generator=g)
        if len(shape) == 2:
            params[name] = noise / shape[1] ** 0.5
        elif "norm" in name and name.endswith("weight"):
            params[name] = 1 + 0.1 * noise
        else:
            params[name] = 0.1 * noise
    x = torch.randn(BATCH, SEQ, D_MODEL, generator=g)
    lengths = torch.randint(SEQ // 2, SEQ + 1, (BATCH,), generator=g)
    lengths[0] = SEQ
    padding = torch.arange(SEQ)[None, :] >= lengths[:, None]
    kwargs = {"norm_first": True, "activation": "gelu", "src_key_padding_mask": padding}
    return (x, params, HEADS), kwargs
