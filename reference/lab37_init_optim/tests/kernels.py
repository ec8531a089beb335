"""Inputs for the timed kernel ``adamw_step``.

The engine calls ``adamw_step(params, grads, state, lr=..., betas=...,
eps=..., weight_decay=...)`` on the parameters of a small transformer (two
blocks, width 128: about 0.5 M float32 numbers, 2 MB, in 20 tensors) in the
middle of training (step 10, non-zero moments). A vectorised step (a few
tensor operations per parameter) takes a few milliseconds; a Python loop
over rows or entries is many times slower.
"""

from __future__ import annotations

import torch

N_EMBD, N_LAYER, VOCAB, BLOCK = 128, 2, 512, 128


def _shapes() -> list[tuple[int, ...]]:
    shapes = [(VOCAB, N_EMBD), (BLOCK, N_EMBD)]
    for _ in range(N_LAYER):
        shapes += [(N_EMBD,), (N_EMBD,), (3 * N_EMBD, N_EMBD), (3 * N_EMBD,), (N_EMBD, N_EMBD), (N_EMBD,),
                   (4 * N_EMBD, N_EMBD), (N_EMBD, 4 * N_EMBD)]
    return shapes + [(N_EMBD,), (N_EMBD,)]


def adamw_inputs(seed: int) -> tuple[tuple, dict]:
    """Random parameters, gradients and Adam moments (the second moment positive) at step 10."""
    g = torch.Generator().manual_seed(seed)
    shapes = _shapes()
    params = [0.02 * torch.randn(s, generator=g) for s in shapes]
    grads = [1e-3 * torch.randn(s, generator=g) for s in shapes]
    exp_avg = [1e-3 * torch.randn(s, generator=g) for s in shapes]
    exp_avg_sq = [1e-6 * torch.rand(s, generator=g) for s in shapes]
    state = {"step": 10, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    return (params, grads, state), {"lr": 6e-4, "betas": (0.9, 0.95), "eps": 1e-8, "weight_decay": 0.1}
