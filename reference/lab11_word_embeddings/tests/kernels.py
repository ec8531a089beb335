"""Inputs for the timed kernel ``sgns_sgd_step``.

The engine calls ``sgns_step(*args, **kwargs)``: one SGD step of skip-gram
with negative sampling on a fixed batch (negatives included, so the result is
deterministic) and compares the updated matrices by checksum. Sizes are
chosen so that one call of the reference takes about 5-20 ms on one CPU core.
"""

from __future__ import annotations

import torch

VOCAB, DIM, BATCH, NEGATIVES = 5000, 100, 2048, 5


def sgns_inputs(seed: int) -> tuple[tuple, dict]:
    """float32 matrices (VOCAB, DIM) and a batch of BATCH pairs with NEGATIVES negatives each."""
    g = torch.Generator().manual_seed(seed)
    w_in = (torch.rand(VOCAB, DIM, generator=g) - 0.5) / DIM
    w_out = torch.randn(VOCAB, DIM, generator=g) * 0.1
    # Zipf-like word ids, so frequent words repeat within the batch
    weights = 1.0 / torch.arange(1, VOCAB + 1, dtype=torch.float64) ** 0.9
    centers = torch.multinomial(weights, BATCH, replacement=True, generator=g)
    contexts = torch.multinomial(weights, BATCH, replacement=True, generator=g)
    negatives = torch.multinomial(weights**0.75, BATCH * NEGATIVES, replacement=True, generator=g).view(BATCH, NEGATIVES)
    return (w_in, w_out, centers, contexts, negatives, 5.0), {}
