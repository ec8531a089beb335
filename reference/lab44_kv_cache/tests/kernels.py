"""Inputs for the timed kernel ``decode_tokens``.

The engine calls ``generate(params, input_ids, max_new_tokens, n_head)``:
greedy decoding with the KV cache by a 2-layer GPT (``n_embd = 64``, 4
heads, a vocabulary of 256, ``n_positions = 160``) of 4 prompts of 32
tokens, 96 new tokens each. With a cache each step runs the model on one
new position per row; recomputing the whole sequence at every step (no
cache) is several times slower.
"""

from __future__ import annotations

import torch

VOCAB, N_POSITIONS, N_EMBD, N_LAYER, N_HEAD = 256, 160, 64, 2, 4
BATCH, PROMPT, NEW = 4, 32, 96


def _shapes() -> dict[str, tuple[int, ...]]:
    shapes = {"wte.weight": (VOCAB, N_EMBD), "wpe.weight": (N_POSITIONS, N_EMBD)}
    for i in range(N_LAYER):
        block = {
            "ln_1.weight": (N_EMBD,), "ln_1.bias": (N_EMBD,),
            "attn.c_attn.weight": (3 * N_EMBD, N_EMBD), "attn.c_attn.bias": (3 * N_EMBD,),
            "attn.c_proj.weight": (N_EMBD, N_EMBD), "attn.c_proj.bias": (N_EMBD,),
            "ln_2.weight": (N_EMBD,), "ln_2.bias": (N_EMBD,),
            "mlp.c_fc.weight": (4 * N_EMBD, N_EMBD), "mlp.c_fc.bias": (4 * N_EMBD,),
            "mlp.c_proj.weight": (N_EMBD, 4 * N_EMBD), "mlp.c_proj.bias": (N_EMBD,),
        }
        shapes.update({f"h.{i}.{name}": shape for name, shape in block.items()})
    shapes.update({"ln_f.weight": (N_EMBD,), "ln_f.bias": (N_EMBD,)})
    return shapes


def decode_inputs(seed: int) -> tuple[tuple, dict]:
    """Random float32 weights (LayerNorm weights around 1) and random prompts."""
    g = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in _shapes().items():
        noise = torch.randn(shape, generator=g)
        if len(shape) == 2:
            params[name] = noise / min(shape) ** 0.5
        elif ".ln_" in f".{name}" and name.endswith("weight"):
            params[name] = 1 + 0.1 * noise
        else:
            params[name] = 0.1 * noise
    prompt = torch.randint(0, VOCAB, (BATCH, PROMPT), generator=g)
    return (params, prompt, NEW, N_HEAD), {}
