"""Inputs for the timed kernel ``bf16_training``.

The engine calls ``train(state_dict, inputs, targets, precision="bf16",
optimizer="sgd", lr=0.05)``: eight bf16 mixed-precision steps (autocast on
the CPU, float32 master weights) of a ``TinyMLP`` with ``d_in = 128``,
``d_hidden = 512``, ``d_out = 16`` on batches of 256 examples. A step is a
few milliseconds of bf16 matmuls; work repeated per example or per step
(rebuilding the model, copying weights, converting the model to bf16 and
back) shows up in the time.
"""

from __future__ import annotations

import torch

STEPS, BATCH, D_IN, D_HIDDEN, D_OUT = 8, 256, 128, 512, 16


def training_inputs(seed: int) -> tuple[tuple, dict]:
    """Random float32 weights (nn.Linear's scale) and random batches with class targets."""
    g = torch.Generator().manual_seed(seed)
    state = {
        "fc1.weight": (torch.rand(D_HIDDEN, D_IN, generator=g) * 2 - 1) / D_IN**0.5,
        "fc1.bias": (torch.rand(D_HIDDEN, generator=g) * 2 - 1) / D_IN**0.5,
        "fc2.weight": (torch.rand(D_OUT, D_HIDDEN, generator=g) * 2 - 1) / D_HIDDEN**0.5,
        "fc2.bias": (torch.rand(D_OUT, generator=g) * 2 - 1) / D_HIDDEN**0.5,
    }
    inputs = torch.randn(STEPS, BATCH, D_IN, generator=g)
    targets = torch.randint(0, D_OUT, (STEPS, BATCH), generator=g)
    return (state, inputs, targets), {"precision": "bf16", "optimizer": "sgd", "lr": 0.05}
