"""Public sanity checks for lab 60 (diffusion).

Run with ``autograder test lab60_diffusion``. Passing these does not mean the
hidden tests pass: they compare your schedules, ``add_noise``, DDPM and DDIM
steps with diffusers' ``DDPMScheduler`` / ``DDIMScheduler`` under many
configurations (clipping on and off, both variance types, strided timesteps,
eta between 0 and 1, ``set_alpha_to_one``), check every error the docstrings
name, the DiT block's output and gradients against an adaLN-Zero block, the
VQ gradients term by term, and train your toy model. diffusers' schedulers
are good things to compare with in your own experiments.
"""

from __future__ import annotations

import pytest
import torch

from autograder.testing import assert_close, check


def test_linear_betas_endpoints(lab):
    """Linear betas run from beta_start to beta_end, float32."""
    betas = lab.beta_schedule("linear", 5, 0.1, 0.5)
    check(isinstance(betas, torch.Tensor) and betas.dtype == torch.float32, "betas should be a float32 tensor")
    check(betas.shape == (5,), f"expected 5 betas, got shape {tuple(betas.shape)}")
    check(abs(float(betas[0]) - 0.1) < 1e-6 and abs(float(betas[-1]) - 0.5) < 1e-6, "the endpoints are beta_start and beta_end")


def test_cumprod_includes_current_step(lab):
    """alphas_cumprod[0] is 1 - betas[0], not 1."""
    abar = lab.alphas_cumprod(torch.tensor([0.5, 0.5], dtype=torch.float64))
    check(abar.tolist() == [0.5, 0.25], f"got {abar.tolist()}")


def test_cosine_schedule_ends_clipped(lab):
    """The cosine schedule's betas grow towards the end and stop at max_beta."""
    betas = lab.beta_schedule("cosine", 100)
    check(bool((betas[1:] >= betas[:-1]).all()), "cosine betas should not decrease")
    check(abs(float(betas[-1]) - 0.999) < 1e-6, "the last cosine beta is capped at max_beta = 0.999")


def test_add_noise_extremes(lab):
    """With abar = 1, x_t is x0; with abar = 0, x_t is the noise."""
    abar = torch.tensor([1.0, 0.0])
    x0, noise = torch.ones(2, 3), torch.full((2, 3), -2.0)
    x_t = lab.add_noise(x0, noise, torch.tensor([0, 1]), abar)
    assert_close(x_t, torch.tensor([[1.0] * 3, [-2.0] * 3]), what="x_t")
    with pytest.raises(ValueError):
        lab.add_noise(x0, noise, torch.tensor([0, 2]), abar)


def test_ddim_grid(lab):
    """The leading DDIM grid for 1000 training steps and 4 inference steps."""
    check(lab.ddim_timesteps(1000, 4).tolist() == [750, 500, 250, 0], "expected [750, 500, 250, 0]")


def test_ddim_step_recovers_clean_point(lab):
    """A perfect noise prediction takes a noisy point straight to sqrt(abar_prev) * x0 + sqrt(1 - abar_prev) * eps."""
    abar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000), 0)
    x0, eps = torch.tensor([[0.3, -0.5]]), torch.tensor([[1.0, 2.0]])
    x_t = abar[900].sqrt() * x0 + (1 - abar[900]).sqrt() * eps
    prev, x0_hat = lab.ddim_step(eps, 900, x_t, abar, 10)
    assert_close(x0_hat, x0, atol=1e-4, what="pred_original_sample")
    assert_close(prev, abar[800].sqrt() * x0 + (1 - abar[800]).sqrt() * eps, atol=1e-4, what="prev_sample")


def test_guidance_scale_one_is_conditional(lab):
    """Guidance with w = 1 returns the conditional prediction."""
    u, c = torch.zeros(2, 2), torch.ones(2, 2)
    assert_close(lab.classifier_free_guidance(u, c, 1.0), c, what="guided noise with w = 1")


def test_dit_block_starts_as_identity(lab):
    """A fresh DiT block returns its input."""
    block = lab.DiTBlock(8, 2)
    x = torch.randn(2, 3, 8)
    assert_close(block(x, torch.randn(2, 8)), x, what="output of a fresh DiT block")


def test_vq_picks_nearest(lab):
    """Each vector gets its nearest code, and z_q holds the codes."""
    codebook = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    z = torch.tensor([[0.1, 0.2], [0.9, 0.7]])
    z_q, loss, idx = lab.vector_quantize(z, codebook)
    check(idx.tolist() == [0, 1], f"indices {idx.tolist()}")
    assert_close(z_q.detach(), codebook, what="z_q")
    check(float(loss) > 0, "the loss should be positive when z is not on the codes")


def test_usage_of_one_code(lab):
    """One code used everywhere: usage 1/K and perplexity 1."""
    usage, ppl = lab.codebook_usage(torch.tensor([2, 2, 2]), 4)
    assert_close(usage, 0.25, what="usage")
    assert_close(ppl, 1.0, what="perplexity")
