"""Inputs for the timed kernel ``ddpm_step``.

The engine calls ``ddpm_step(model_output, timestep, sample, alphas_cumprod,
noise)``: one ancestral step of a batch of 16 latents of shape 4 x 64 x 64
(about a million float32 values) with the linear schedule of 1000 steps and
diffusers' defaults (posterior variance, clipping to [-1, 1]). A handful of
elementwise passes over the batch is the cost; per-element Python, float64
round trips or needless copies show up in the time.
"""

from __future__ import annotations

import torch

SHAPE = (16, 4, 64, 64)


def step_inputs(seed: int) -> tuple[tuple, dict]:
    """A random timestep in [1, 1000), random model output, sample and noise."""
    g = torch.Generator().manual_seed(seed)
    alphas_cumprod = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float32), 0)
    timestep = int(torch.randint(1, 1000, (1,), generator=g))
    model_output = torch.randn(SHAPE, generator=g)
    sample = torch.randn(SHAPE, generator=g)
    noise = torch.randn(SHAPE, generator=g)
    return (model_output, timestep, sample, alphas_cumprod, noise), {}
