"""Inputs for the timed kernel ``training_throughput``.

The engine calls ``train_on_batches(config, state_dict, x, y, max_lr=...,
min_lr=..., warmup_steps=..., weight_decay=..., grad_clip=...)``: eight
AdamW steps of a 2-layer ``TinyGPT`` (``n_embd = 64``, 4 heads, the
byte-level vocabulary of 257, ``block_size = 64``) on batches of 16 windows
of 64 tokens, i.e. 8192 training tokens per call. Batched forward and
backward passes take a few milliseconds a step; a Python loop over the
windows of a batch is several times slower.
"""

from __future__ import annotations

import torch

VOCAB, BLOCK, N_EMBD, N_LAYER, N_HEAD = 257, 64, 64, 2, 4
STEPS, BATCH = 8, 16


def _shapes() -> dict[str, tuple[int, ...]]:
    shapes = {"wte.weight": (VOCAB, N_EMBD), "wpe.weight": (BLOCK, N_EMBD)}
    for i in range(N_LAYER):
        block = {
            "ln_1.weight": (N_EMBD,), "ln_1.bias": (N_EMBD,),
            "qkv.weight": (3 * N_EMBD, N_EMBD), "qkv.bias": (3 * N_EMBD,),
            "proj.weight": (N_EMBD, N_EMBD), "proj.bias": (N_EMBD,),
            "ln_2.weight": (N_EMBD,), "ln_2.bias": (N_EMBD,),
            "fc.weight": (4 * N_EMBD, N_EMBD), "fc.bias": (4 * N_EMBD,),
            "fc_proj.weight": (N_EMBD, 4 * N_EMBD), "fc_proj.bias": (N_EMBD,),
        }
        shapes.update({f"blocks.{i}.{name}": shape for name, shape in block.items()})
    shapes.update({"ln_f.weight": (N_EMBD,), "ln_f.bias": (N_EMBD,), "head.weight": (VOCAB, N_EMBD)})
    return shapes


def training_inputs(seed: int) -> tuple[tuple, dict]:
    """Random weights (LayerNorm weights around 1) and random token batches with shifted targets."""
    g = torch.Generator().manual_seed(seed)
    state = {}
    for name, shape in _shapes().items():
        noise = torch.randn(shape, generator=g)
        if name.startswith("w"):
            state[name] = noise
        elif len(shape) == 2:
            state[name] = noise / shape[1] ** 0.5
        elif ".ln_" in f".{name}" and name.endswith("weight"):
            state[name] = 1 + 0.1 * noise
        else:
            state[name] = 0.1 * noise
    tokens = torch.randint(0, VOCAB, (STEPS, BATCH, BLOCK + 1), generator=g)
    config = {"block_size": BLOCK, "n_layer": N_LAYER, "n_head": N_HEAD, "n_embd": N_EMBD}
    options = {"max_lr": 3e-3, "min_lr": 3e-4, "warmup_steps": 2, "weight_decay": 0.1, "grad_clip": 1.0}
    return (config, state, tokens[:, :, :-1], tokens[:, :, 1:]), options
