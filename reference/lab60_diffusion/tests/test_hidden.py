"""Hidden tests for lab 60 (diffusion: schedules, DDPM/DDIM steps, guidance, DiT, VQ-VAE).

Oracles:

* schedules, ``add_noise``, the DDPM and DDIM steps and the DDIM timestep
  grid: ``diffusers``' ``DDPMScheduler`` / ``DDIMScheduler`` (0.42) on the
  same inputs. The DDPM step's random draw is made by the scheduler from a
  seeded ``torch.Generator`` and the same numbers are drawn here and passed
  to the student as ``noise``; DDIM's is passed as ``variance_noise``;
* the noise-prediction loss and the DDIM sampler: the student's own model
  (behind a handle) evaluated here, around diffusers' scheduler;
* classifier-free guidance, the VQ quantiser and its gradients, codebook
  usage: the formulas of the papers written out here;
* the DiT block: an adaLN-Zero block written here from torch modules and
  loaded with the student's state dict;
* the toy model: samples must land near the modes of a mixture of Gaussians.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from diffusers.schedulers.scheduling_ddim import DDIMScheduler
from diffusers.schedulers.scheduling_ddpm import DDPMScheduler, betas_for_alpha_bar
from torch import nn

from autograder.testing import assert_close, check

torch.set_num_threads(1)

SCHED = {"linear": "linear", "cosine": "squaredcos_cap_v2"}


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype) * scale


def ddpm(kind: str = "linear", T: int = 1000, **config) -> DDPMScheduler:
    return DDPMScheduler(num_train_timesteps=T, beta_schedule=SCHED[kind], **config)


def ddim(kind: str = "linear", T: int = 1000, n: int = 50, **config) -> DDIMScheduler:
    s = DDIMScheduler(num_train_timesteps=T, beta_schedule=SCHED[kind], **config)
    s.set_timesteps(n)
    return s


def float32_tensor(x, shape, what):
    check(isinstance(x, torch.Tensor), f"{what}: should return a torch tensor")
    check(x.dtype == torch.float32, f"{what}: expected dtype float32, got {x.dtype}")
    check(tuple(x.shape) == tuple(shape), f"{what}: shape {tuple(x.shape)}, expected {tuple(shape)}")


# ---- schedules ----------------------------------------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.parametrize(
    "T, start, end", [(1000, 1e-4, 0.02), (10, 1e-3, 0.2), (1, 0.05, 0.05)], ids=["default", "short", "single"]
)
def test_linear_betas_match_ddpm(lab, T, start, end):
    """Linear betas and their cumulative product equal DDPMScheduler(beta_schedule="linear")."""
    s = DDPMScheduler(num_train_timesteps=T, beta_start=start, beta_end=end, beta_schedule="linear")
    betas = lab.beta_schedule("".join(["lin", "ear"]), T, start, end)  # a string built at run time
    float32_tensor(betas, (T,), "linear betas")
    assert_close(betas, s.betas, atol=1e-9, rtol=1e-6, what="linear betas")
    assert_close(lab.alphas_cumprod(betas), s.alphas_cumprod, atol=1e-7, rtol=1e-5, what="alphas_cumprod of linear betas")


@pytest.mark.points(1)
@pytest.mark.parametrize("T", [1000, 50, 7])
def test_cosine_betas_match_squaredcos(lab, T):
    """Cosine betas equal DDPMScheduler(beta_schedule="squaredcos_cap_v2"), last beta clipped at 0.999."""
    s = ddpm("cosine", T)
    betas = lab.beta_schedule("cosine", num_train_timesteps=T)
    float32_tensor(betas, (T,), "cosine betas")
    assert_close(betas, s.betas, atol=1e-7, rtol=1e-5, what="cosine betas")
    check(abs(float(betas[-1]) - 0.999) < 1e-6, "the last cosine beta should be clipped at max_beta = 0.999")
    check(float(betas.max()) <= 0.999 + 1e-7, "no cosine beta may exceed max_beta")
    assert_close(lab.alphas_cumprod(betas), s.alphas_cumprod, atol=1e-7, rtol=1e-4, what="alphas_cumprod of cosine betas")


@pytest.mark.points(1)
def test_cosine_max_beta_option(lab):
    """max_beta caps every cosine beta (betas_for_alpha_bar(T, max_beta)); linear ignores it."""
    betas = lab.beta_schedule("cosine", 20, max_beta=0.3)
    assert_close(betas, betas_for_alpha_bar(20, max_beta=0.3), atol=1e-7, rtol=1e-5, what="cosine betas, max_beta=0.3")
    betas = lab.beta_schedule("cosine", 20, 0.5, 0.9, 1.0)
    assert_close(betas, betas_for_alpha_bar(20, max_beta=1.0), atol=1e-7, rtol=1e-5, what="cosine betas, max_beta=1")
    lin = lab.beta_schedule("linear", 5, 0.1, 0.5, 0.2)
    assert_close(lin, torch.linspace(0.1, 0.5, 5), atol=1e-7, rtol=1e-6, what="linear betas with max_beta given")


@pytest.mark.points(2)
def test_schedule_defaults_and_errors(lab):
    """beta_schedule's defaults (T=1000, 1e-4..0.02) and its ValueErrors."""
    betas = lab.beta_schedule("linear")
    assert_close(betas, DDPMScheduler().betas, atol=1e-9, rtol=1e-6, what="beta_schedule('linear') with defaults")
    for kwargs in (
        {"kind": "squaredcos_cap_v2"},
        {"kind": "quadratic"},
        {"kind": "linear", "num_train_timesteps": 0},
        {"kind": "cosine", "num_train_timesteps": 0},
        {"kind": "cosine", "max_beta": 0.0},
        {"kind": "cosine", "max_beta": 1.5},
        {"kind": "cosine", "max_beta": -0.5},
    ):
        with pytest.raises(ValueError):
            lab.beta_schedule(**kwargs)


@pytest.mark.points(3)
def test_alphas_cumprod_inclusive(lab):
    """alphas_cumprod includes step t itself (abar[0] = 1 - beta_0), keeps the dtype, and rejects bad input."""
    betas = torch.tensor([0.1, 0.2, 0.5, 0.25], dtype=torch.float64)
    got = lab.alphas_cumprod(betas)
    check(isinstance(got, torch.Tensor) and got.dtype == torch.float64, "alphas_cumprod should keep float64")
    assert_close(got, torch.tensor([0.9, 0.72, 0.36, 0.27], dtype=torch.float64), atol=1e-12, what="alphas_cumprod")
    check(torch.equal(betas, torch.tensor([0.1, 0.2, 0.5, 0.25], dtype=torch.float64)), "the input betas were modified")
    for bad in (torch.zeros(0), torch.full((2, 3), 0.1), torch.tensor(0.1)):
        with pytest.raises(ValueError):
            lab.alphas_cumprod(bad)


# ---- forward process and loss --------------------------------------------------------------------------------


ADD_NOISE_CASES = {
    "images": ((4, 3, 5, 5), torch.float32, "linear", [0, 999, 500, 1]),
    "points": ((6, 2), torch.float32, "cosine", [0, 1, 2, 997, 998, 999]),
    "float64": ((3, 4), torch.float64, "cosine", [10, 999, 0]),
    "sequence": ((2, 7, 3), torch.float32, "linear", [123, 7]),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(ADD_NOISE_CASES))
def test_add_noise_matches_ddpm(lab, case):
    """add_noise equals DDPMScheduler.add_noise with one timestep per example (broadcast over the rest)."""
    shape, dtype, kind, ts = ADD_NOISE_CASES[case]
    s = ddpm(kind)
    x0, noise = randn(*shape, seed=1, dtype=dtype), randn(*shape, seed=2, dtype=dtype)
    t = torch.tensor(ts)
    expected = s.add_noise(x0, noise, t)
    got = lab.add_noise(x0, noise, t, s.alphas_cumprod)
    assert_close(got, expected, atol=1e-6, rtol=1e-5, what="x_t")
    check(torch.equal(x0, randn(*shape, seed=1, dtype=dtype)), "add_noise modified x0")


@pytest.mark.points(1)
def test_add_noise_int_timestep(lab):
    """An int timestep applies to the whole batch; t = 0 is almost x0, t = T-1 almost pure noise (linear)."""
    s = ddpm("linear")
    x0, noise = randn(5, 3, seed=3), randn(5, 3, seed=4)
    for t in (0, 1, 640, 999):
        expected = s.add_noise(x0, noise, torch.full((5,), t))
        assert_close(lab.add_noise(x0, noise, t, s.alphas_cumprod), expected, atol=1e-6, rtol=1e-5, what=f"x_t at int t={t}")
    expected = s.add_noise(x0, noise, torch.full((5,), 321))
    assert_close(lab.add_noise(x0, noise, torch.tensor([321]), s.alphas_cumprod), expected, atol=1e-6, rtol=1e-5, what="x_t with one timestep in a tensor")
    x0, noise = randn(300, 2, seed=3), randn(300, 2, seed=4)
    t = torch.arange(300) * 3
    assert_close(lab.add_noise(x0, noise, t, s.alphas_cumprod), s.add_noise(x0, noise, t), atol=1e-6, rtol=1e-5, what="x_t for a batch of 300")


@pytest.mark.points(1)
def test_add_noise_errors(lab):
    """add_noise rejects timesteps outside [0, T) (also -1), a wrong count of timesteps and mismatched noise."""
    ab = ddpm("linear", 10).alphas_cumprod
    x0, noise = randn(3, 2, seed=5), randn(3, 2, seed=6)
    lab.add_noise(x0, noise, torch.tensor([0, 9, 4]), ab)
    bad = (torch.tensor([0, 10, 1]), torch.tensor([-1, 2, 3]), torch.tensor([15, 2, 3]), 10, -1, torch.tensor([1, 2]),
           torch.tensor([1, 2, 3, 4]), torch.zeros(0, dtype=torch.long))
    for t in bad:
        with pytest.raises(ValueError):
            lab.add_noise(x0, noise, t, ab)
    for wrong in (randn(3, 3, seed=7), randn(3, 1, seed=7)):
        with pytest.raises(ValueError):
            lab.add_noise(x0, wrong, torch.tensor([1, 2, 3]), ab)


@pytest.mark.points(4)
def test_noise_prediction_loss(lab):
    """The loss is the MSE between the model's output at x_t and the noise, with gradients reaching x0."""
    lab.manual_seed(0)
    model = lab.ToyDenoiser(2, 32, 100)
    s = ddpm("cosine", 100)
    x0, noise = randn(16, 2, seed=8, scale=0.7), randn(16, 2, seed=9)
    t = torch.randint(0, 100, (16,), generator=torch.Generator().manual_seed(10))
    t[:2] = torch.tensor([0, 99])
    x_t = s.add_noise(x0, noise, t)
    pred = model(x_t, t)
    float32_tensor(pred, (16, 2), "ToyDenoiser output")
    expected = F.mse_loss(pred, noise)
    got = lab.noise_prediction_loss(model, x0, noise, t, s.alphas_cumprod)
    check(isinstance(got, torch.Tensor) and got.dim() == 0, "noise_prediction_loss should return a 0-d tensor")
    assert_close(float(got.detach()), float(expected), atol=1e-6, rtol=1e-5, what="the loss")
    # d loss / d x0 = sqrt(abar_t) * J^T (2 (pred - noise) / numel)
    g = 2 * (pred - noise) / pred.numel()
    jt_g = lab.vjp(model, x_t, t, grad_output=g, wrt=(0,)).grads[0]
    res = lab.vjp(lab.noise_prediction_loss, model, x0, noise, t, s.alphas_cumprod, grad_output=torch.tensor(1.0), wrt=(1,))
    check(res.grads[0] is not None, "no gradient reached x0 through the loss")
    assert_close(res.grads[0], s.alphas_cumprod[t].sqrt()[:, None] * jt_g, atol=1e-6, rtol=1e-4, what="d loss / d x0")


# ---- DDPM step -----------------------------------------------------------------------------------------------

# name -> (schedule, T, scheduler config, timesteps, output scale, inference steps or None)
DDPM_CASES = {
    "default": ("linear", 1000, {}, [999, 500, 1, 0], 1.0, None),
    "clipped_hard": ("linear", 1000, {}, [999, 20, 3], 6.0, None),
    "no_clip": ("linear", 1000, {"clip_sample": False}, [999, 300, 2, 0], 6.0, None),
    "clip_range": ("cosine", 100, {"clip_sample_range": 2.0}, [99, 50, 1], 4.0, None),
    "fixed_large": ("linear", 1000, {"variance_type": "fixed_large"}, [999, 400, 1, 0], 1.0, None),
    "fixed_large_no_clip": ("cosine", 50, {"variance_type": "fixed_large", "clip_sample": False}, [49, 10, 1], 3.0, None),
    "cosine": ("cosine", 1000, {}, [999, 998, 600, 1, 0], 1.0, None),
    "strided": ("linear", 1000, {}, None, 1.0, 10),
    "strided_cosine_large": ("cosine", 100, {"variance_type": "fixed_large", "clip_sample": False}, None, 2.0, 7),
}


def _prev(s, t):
    p = s.previous_timestep(t)
    return int(p)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(DDPM_CASES))
def test_ddpm_step_matches_diffusers(lab, case):
    """ddpm_step equals DDPMScheduler.step (same config, the scheduler's noise passed in) at several timesteps."""
    kind, T, config, ts, scale, n = DDPM_CASES[case]
    s = ddpm(kind, T, **config)
    if n is not None:
        s.set_timesteps(n)
        ts = [int(t) for t in s.timesteps]
    lab_kwargs = {k: v for k, v in config.items()}
    shape = (2, 3, 4, 4)
    for i, t in enumerate(ts):
        sample, out = randn(*shape, seed=100 + i), randn(*shape, seed=200 + i, scale=scale)
        seed = 300 + i
        noise = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
        ref = s.step(out, t, sample, generator=torch.Generator().manual_seed(seed))
        prev = _prev(s, t)
        kwargs = dict(lab_kwargs)
        if n is not None:
            kwargs["prev_timestep"] = prev
        got = lab.ddpm_step(out, t, sample, s.alphas_cumprod, noise, **kwargs)
        check(isinstance(got, (tuple, list)) and len(got) == 2, "ddpm_step should return (prev_sample, pred_original_sample)")
        assert_close(got[1], ref.pred_original_sample, atol=2e-5, rtol=1e-4, what=f"pred_original_sample at t={t}")
        assert_close(got[0], ref.prev_sample, atol=2e-5, rtol=1e-4, what=f"prev_sample at t={t}")


@pytest.mark.points(2)
def test_ddpm_step_last_step_and_noise(lab):
    """At t = 0 no noise is added (noise may be None); at t > 0 the noise enters with the posterior std."""
    s = ddpm("linear")
    sample, out = randn(3, 2, seed=11), randn(3, 2, seed=12)
    ref = s.step(out, 0, sample)
    a, _ = lab.ddpm_step(out, 0, sample, s.alphas_cumprod)
    b, _ = lab.ddpm_step(out, 0, sample, s.alphas_cumprod, randn(3, 2, seed=13))
    assert_close(a, ref.prev_sample, atol=1e-6, rtol=1e-5, what="prev_sample at t=0 without noise")
    assert_close(b, ref.prev_sample, atol=1e-6, rtol=1e-5, what="prev_sample at t=0 with noise given")
    z = torch.zeros(3, 2)
    n1 = randn(3, 2, seed=14)
    base, _ = lab.ddpm_step(out, 5, sample, s.alphas_cumprod, z)
    noisy, _ = lab.ddpm_step(out, 5, sample, s.alphas_cumprod, n1, variance_type="".join(["fixed_", "small"]))
    ab = s.alphas_cumprod.double()
    var = (1 - ab[4]) / (1 - ab[5]) * (1 - ab[5] / ab[4])
    assert_close((noisy - base).double(), float(var.sqrt()) * n1.double(), atol=1e-6, rtol=1e-3, what="the noise term at t=5")


@pytest.mark.points(2)
def test_ddpm_step_errors(lab):
    """ddpm_step raises ValueError for a missing noise at t > 0, bad timesteps and an unknown variance_type."""
    ab = ddpm("linear", 10).alphas_cumprod
    x, e, n = randn(2, 2, seed=15), randn(2, 2, seed=16), randn(2, 2, seed=17)
    lab.ddpm_step(e, 9, x, ab, n)
    bad = [
        ((e, 3, x, ab), {}),
        ((e, 1, x, ab), {}),
        ((e, 10, x, ab, n), {}),
        ((e, -1, x, ab, n), {}),
        ((e, 3, x, ab, n), {"prev_timestep": 3}),
        ((e, 3, x, ab, n), {"prev_timestep": 5}),
        ((e, 3, x, ab, n), {"variance_type": "learned"}),
    ]
    for args, kwargs in bad:
        with pytest.raises(ValueError):
            lab.ddpm_step(*args, **kwargs)
    ab = ddpm("linear", 1000).alphas_cumprod
    lab.ddpm_step(e, 999, x, ab, n)
    with pytest.raises(ValueError):
        lab.ddpm_step(e, 1500, x, ab, n)


# ---- DDIM ----------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_ddim_timesteps_match_scheduler(lab):
    """ddim_timesteps equals DDIMScheduler.set_timesteps' "leading" grid (with steps_offset too)."""
    for T, n, offset in [(1000, 50, 0), (1000, 7, 0), (100, 100, 0), (10, 3, 0), (1000, 1, 0), (1000, 10, 1), (50, 6, 2), (1000, 7, 3)]:
        s = DDIMScheduler(num_train_timesteps=T, steps_offset=offset)
        s.set_timesteps(n)
        got = lab.ddim_timesteps(T, n, offset) if offset else lab.ddim_timesteps(T, n)
        check(isinstance(got, torch.Tensor) and got.dtype == torch.int64, "ddim_timesteps should return an int64 tensor")
        check(got.tolist() == s.timesteps.tolist(), f"wrong grid for T={T}, {n} steps, offset {offset}")
    for T, n in [(10, 0), (10, 11)]:
        with pytest.raises(ValueError):
            lab.ddim_timesteps(T, n)


# name -> (schedule, T, n, eta, scheduler config, output scale)
DDIM_CASES = {
    "eta0": ("linear", 1000, 50, 0.0, {}, 1.0),
    "eta0_cosine_uneven": ("cosine", 1000, 7, 0.0, {}, 1.0),
    "eta0_no_clip": ("linear", 100, 10, 0.0, {"clip_sample": False}, 5.0),
    "eta0_clipped_hard": ("linear", 1000, 20, 0.0, {}, 6.0),
    "eta_half": ("linear", 1000, 20, 0.5, {}, 1.0),
    "eta1_cosine": ("cosine", 100, 9, 1.0, {"clip_sample": False}, 2.0),
    "alpha_not_one": ("linear", 1000, 8, 0.0, {"set_alpha_to_one": False}, 1.0),
    "every_step": ("linear", 20, 20, 0.3, {}, 1.0),
    "one_step": ("cosine", 50, 1, 0.0, {}, 1.0),
    "alpha_not_one_eta": ("cosine", 60, 6, 0.7, {"set_alpha_to_one": False, "clip_sample_range": 1.5}, 3.0),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(DDIM_CASES))
def test_ddim_step_matches_diffusers(lab, case):
    """ddim_step equals DDIMScheduler.step over the whole grid; at eta = 0 a given noise is ignored."""
    kind, T, n, eta, config, scale = DDIM_CASES[case]
    s = ddim(kind, T, n, **config)
    shape = (2, 3, 4)
    for i, t in enumerate(int(t) for t in s.timesteps):
        sample, out, noise = randn(*shape, seed=400 + i), randn(*shape, seed=500 + i, scale=scale), randn(*shape, seed=600 + i)
        ref = s.step(out, t, sample, eta=eta, variance_noise=noise if eta > 0 else None)
        got = lab.ddim_step(out, t, sample, s.alphas_cumprod, n, eta, noise, **config)
        check(isinstance(got, (tuple, list)) and len(got) == 2, "ddim_step should return (prev_sample, pred_original_sample)")
        assert_close(got[1], ref.pred_original_sample, atol=2e-5, rtol=1e-4, what=f"pred_original_sample at t={t}")
        assert_close(got[0], ref.prev_sample, atol=2e-5, rtol=1e-4, what=f"prev_sample at t={t}")


@pytest.mark.points(2)
def test_ddim_step_defaults_and_errors(lab):
    """ddim_step's defaults (eta 0, no noise needed) and its ValueErrors."""
    s = ddim("linear", 1000, 25)
    x, e = randn(4, 2, seed=18), randn(4, 2, seed=19)
    got, _ = lab.ddim_step(e, 480, x, s.alphas_cumprod, 25)
    assert_close(got, s.step(e, 480, x).prev_sample, atol=1e-6, rtol=1e-5, what="prev_sample with defaults")
    got, _ = lab.ddim_step(e, 39, x, s.alphas_cumprod, 25)   # off the grid: previous timestep -1
    assert_close(got, s.step(e, 39, x).prev_sample, atol=1e-6, rtol=1e-5, what="prev_sample at t = T // n - 1")
    for args, kwargs in [
        ((e, 480, x, s.alphas_cumprod, 25), {"eta": 0.5}),
        ((e, 480, x, s.alphas_cumprod, 25), {"eta": -0.1, "noise": x}),
        ((e, 1000, x, s.alphas_cumprod, 25), {}),
        ((e, -1, x, s.alphas_cumprod, 25), {}),
        ((e, 480, x, s.alphas_cumprod, 0), {}),
        ((e, 480, x, s.alphas_cumprod, 1001), {}),
        ((e, 1500, x, s.alphas_cumprod, 25), {}),
    ]:
        with pytest.raises(ValueError):
            lab.ddim_step(*args, **kwargs)


@pytest.mark.points(2)
@pytest.mark.parametrize("clip", [True, False], ids=["clip", "no_clip"])
def test_ddim_sample_matches_diffusers_loop(lab, clip):
    """ddim_sample equals the diffusers DDIMScheduler loop driven by the same model from the same x_T."""
    lab.manual_seed(1)
    model = lab.ToyDenoiser(2, 32, 100)
    s = ddim("cosine", 100, 10, clip_sample=clip)
    x_T = randn(8, 2, seed=20, scale=1.5)
    x = x_T
    for t in s.timesteps:
        eps = model(x, torch.full((8,), int(t), dtype=torch.long))
        x = s.step(eps, int(t), x).prev_sample
    got = lab.ddim_sample(model, x_T, s.alphas_cumprod, 10, clip) if not clip else lab.ddim_sample(model, x_T, s.alphas_cumprod, 10)
    assert_close(got, x, atol=1e-5, rtol=1e-4, what="the DDIM sample")
    check(not getattr(got, "requires_grad", False), "ddim_sample should return a sample without gradients")


# ---- guidance ------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_classifier_free_guidance(lab):
    """Guidance is uncond + w * (cond - uncond): w = 0 gives uncond, w = 1 cond, w = 7.5 extrapolates."""
    u, c = randn(2, 3, 4, seed=21), randn(2, 3, 4, seed=22)
    for w in (0.0, 1.0, 7.5, 3):
        assert_close(lab.classifier_free_guidance(u, c, w), u + w * (c - u), atol=1e-6, rtol=1e-5, what=f"guided noise, w={w}")
    for a, b in ((u, c[:1]), (u[:1], c)):
        with pytest.raises(ValueError):
            lab.classifier_free_guidance(a, b, 2.0)


# ---- DiT block -----------------------------------------------------------------------------------------------


class OracleDiT(nn.Module):
    """adaLN-Zero block of Peebles & Xie (facebookresearch/DiT), with torch's MultiheadAttention."""

    def __init__(self, d, heads, mlp_ratio=4.0):
        super().__init__()
        h = int(d * mlp_ratio)
        self.norm1 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(d, h), nn.GELU(approximate="tanh"), nn.Linear(h, d))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))

    def forward(self, x, c):
        sm, cm, gm, sf, cf, gf = self.adaLN_modulation(c).chunk(6, dim=1)
        h = self.norm1(x) * (1 + cm[:, None]) + sm[:, None]
        x = x + gm[:, None] * self.attn(h, h, h, need_weights=False)[0]
        h = self.norm2(x) * (1 + cf[:, None]) + sf[:, None]
        return x + gf[:, None] * self.mlp(h)


def dit_keys(d, h):
    return {
        "attn.in_proj_weight": (3 * d, d),
        "attn.in_proj_bias": (3 * d,),
        "attn.out_proj.weight": (d, d),
        "attn.out_proj.bias": (d,),
        "mlp.0.weight": (h, d),
        "mlp.0.bias": (h,),
        "mlp.2.weight": (d, h),
        "mlp.2.bias": (d,),
        "adaLN_modulation.1.weight": (6 * d, d),
        "adaLN_modulation.1.bias": (6 * d,),
    }


def student_state(block):
    sd = block.state_dict()
    return {k: v.clone() for k, v in dict(sd).items()}


@pytest.mark.points(3)
def test_dit_identity_at_init(lab):
    """A fresh DiT block has the stated parameters, zero adaLN modulation, and returns its input unchanged."""
    lab.manual_seed(2)
    block = lab.DiTBlock(32, 4)
    sd = student_state(block)
    expected = dit_keys(32, 128)
    check(set(sd) == set(expected), "the state dict's keys differ from the ones the docstring names")
    for k, shape in expected.items():
        check(tuple(sd[k].shape) == shape, f"{k}: shape {tuple(sd[k].shape)}, expected {shape}")
    check(float(sd["adaLN_modulation.1.weight"].abs().sum()) == 0.0, "the adaLN modulation weight must start at zero")
    check(float(sd["adaLN_modulation.1.bias"].abs().sum()) == 0.0, "the adaLN modulation bias must start at zero")
    check(float(sd["mlp.0.weight"].abs().sum()) > 0, "the MLP keeps torch's default (non-zero) initialisation")
    x, c = randn(3, 5, 32, seed=23, scale=2.0), randn(3, 32, seed=24)
    out = block(x, c)
    assert_close(out, x, atol=1e-6, rtol=0, what="the block's output at initialisation")


@pytest.mark.points(4)
def test_dit_gradients_at_init(lab):
    """At init gradients pass straight to x, reach the adaLN modulation (gates) and none reach attn/MLP."""
    lab.manual_seed(3)
    block = lab.DiTBlock(16, 2, 2.0)
    oracle = OracleDiT(16, 2, 2.0)
    oracle.load_state_dict(student_state(block))
    x, c, g = randn(2, 6, 16, seed=25), randn(2, 16, seed=26), randn(2, 6, 16, seed=27)
    res = lab.vjp(block, x, c, grad_output=g, wrt=(0, 1), params=True)
    assert_close(res.output, x, atol=1e-6, rtol=0, what="the output at init")
    assert_close(res.grads[0], g, atol=1e-6, rtol=1e-5, what="d out / d x at init")
    xo, co = x.clone().requires_grad_(True), c.clone().requires_grad_(True)
    oracle(xo, co).backward(g)
    w = res.param_grads.get("adaLN_modulation.1.weight")
    check(w is not None and float(w.abs().sum()) > 0, "no gradient reached the adaLN modulation weight at init")
    assert_close(w, oracle.adaLN_modulation[1].weight.grad, atol=1e-5, rtol=1e-4, what="d loss / d adaLN weight")
    assert_close(res.param_grads["adaLN_modulation.1.bias"], oracle.adaLN_modulation[1].bias.grad, atol=1e-5, rtol=1e-4, what="d loss / d adaLN bias")
    for k in ("attn.in_proj_weight", "mlp.0.weight"):
        gk = res.param_grads.get(k)
        check(gk is None or float(gk.abs().max()) == 0.0, f"{k} should get no gradient while the gates are zero")


@pytest.mark.points(2)
@pytest.mark.parametrize("d, heads, ratio", [(16, 2, 4.0), (24, 3, 1.5)])
def test_dit_matches_oracle_after_training(lab, d, heads, ratio):
    """With non-zero modulation weights the block equals the adaLN-Zero DiT block (shift, scale, gate order)."""
    torch.manual_seed(4)
    oracle = OracleDiT(d, heads, ratio)
    with torch.no_grad():
        for p in oracle.adaLN_modulation.parameters():
            p.copy_(torch.randn(p.shape) * 0.3)
    block = lab.DiTBlock(d, heads, ratio)
    block.load_state_dict({k: v.clone() for k, v in oracle.state_dict().items()})
    x, c = randn(3, 5, d, seed=28), randn(3, d, seed=29)
    assert_close(block(x, c), oracle(x, c), atol=1e-5, rtol=1e-4, what="the block's output")
    check(not torch.allclose(oracle(x, c), x, atol=1e-3), "(test self-check)")


# ---- VQ-VAE --------------------------------------------------------------------------------------------------


def vq_oracle(z, codebook):
    flat = z.reshape(-1, z.shape[-1]).double()
    d = ((flat[:, None, :] - codebook.double()[None]) ** 2).sum(-1)
    idx = d.argmin(1)
    return idx.reshape(z.shape[:-1]), codebook[idx].reshape(z.shape)


@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(2, 4, 4, 8), (10, 3)], ids=["image", "vectors"])
def test_vq_nearest_codes_and_loss(lab, shape):
    """vector_quantize picks the nearest code, returns the codes as z_q and the loss (1 + beta) * mse."""
    z, codebook = randn(*shape, seed=30), randn(12, shape[-1], seed=31)
    idx, e = vq_oracle(z, codebook)
    for beta in (0.25, 1.0):
        z_q, loss, got_idx = lab.vector_quantize(z, codebook, beta) if beta != 0.25 else lab.vector_quantize(z, codebook)
        check(isinstance(got_idx, torch.Tensor) and got_idx.dtype == torch.int64, "indices should be an int64 tensor")
        check(tuple(got_idx.shape) == tuple(shape[:-1]), f"indices shape {tuple(got_idx.shape)}, expected {tuple(shape[:-1])}")
        check(torch.equal(got_idx, idx), "some vectors were not given their nearest code")
        assert_close(z_q, e, atol=1e-6, rtol=1e-5, what="z_q")
        mse = float(((z.double() - e.double()) ** 2).mean())
        assert_close(float(loss), (1 + beta) * mse, atol=1e-6, rtol=1e-5, what=f"the loss, beta={beta}")


@pytest.mark.points(2)
def test_vq_ties_go_to_lowest_index(lab):
    """Equidistant codes: the lowest index wins (also for duplicate codes)."""
    codebook = torch.tensor([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    z = torch.tensor([[0.0, -2.0], [1.0, 1.0], [0.0, 3.0], [-1.0, 1.0], [2.0, 2.0]])
    _, _, idx = lab.vector_quantize(z, codebook)
    check(idx.tolist() == [0, 4, 1, 1, 4], "ties should go to the lowest code index")


@pytest.mark.points(3)
def test_vq_straight_through(lab):
    """z_q's gradient passes to z unchanged and none of it reaches the codebook."""
    z, codebook = randn(3, 5, 4, seed=32), randn(6, 4, seed=33)
    g = randn(3, 5, 4, seed=34)
    res = lab.vjp(lab.vector_quantize, z, codebook, grad_output=(g, None, None), wrt=(0, 1))
    check(res.grads[0] is not None, "no gradient reached z through z_q (straight-through missing)")
    assert_close(res.grads[0], g, atol=1e-6, rtol=1e-5, what="d z_q / d z (straight-through)")
    gc = res.grads[1]
    check(gc is None or float(gc.abs().max()) == 0.0, "z_q must send no gradient to the codebook")


@pytest.mark.points(2)
@pytest.mark.parametrize("beta", [0.25, 2.0])
def test_vq_codebook_loss_moves_only_codes(lab, beta):
    """The codebook gets 2 (e - z) / numel from the loss, summed per code, whatever beta is (sg on z)."""
    z, codebook = randn(4, 6, 3, seed=35), randn(5, 3, seed=36)
    idx, e = vq_oracle(z, codebook)
    res = lab.vjp(lab.vector_quantize, z, codebook, beta, grad_output=(None, torch.tensor(1.0), None), wrt=(0, 1))
    expected = torch.zeros(5, 3).index_add_(0, idx.reshape(-1), (2 * (e - z) / z.numel()).reshape(-1, 3))
    check(res.grads[1] is not None, "no gradient reached the codebook through the loss")
    assert_close(res.grads[1], expected, atol=1e-6, rtol=1e-4, what="d loss / d codebook")


@pytest.mark.points(1)
@pytest.mark.parametrize("beta", [0.25, 1.5, 0.0])
def test_vq_commitment_moves_only_encoder(lab, beta):
    """z gets only the commitment term's gradient, 2 beta (z - e) / numel (sg on the codes); beta = 0 gives none."""
    z, codebook = randn(4, 6, 3, seed=37), randn(5, 3, seed=38)
    _, e = vq_oracle(z, codebook)
    res = lab.vjp(lab.vector_quantize, z, codebook, beta, grad_output=(None, torch.tensor(1.0), None), wrt=(0, 1))
    gz = res.grads[0] if res.grads[0] is not None else torch.zeros_like(z)
    assert_close(gz, 2 * beta * (z - e) / z.numel(), atol=1e-7, rtol=1e-4, what="d loss / d z")


@pytest.mark.points(1)
def test_vq_errors(lab):
    """vector_quantize rejects a codebook whose width differs from z's last dim."""
    lab.vector_quantize(randn(2, 3, seed=39), randn(4, 3, seed=40))
    lab.vector_quantize(randn(2, 300, seed=39), randn(4, 300, seed=40))
    for zd, cd in ((3, 2), (2, 3)):
        with pytest.raises(ValueError):
            lab.vector_quantize(randn(2, zd, seed=39), randn(4, cd, seed=40))


def usage_oracle(indices, k):
    counts = torch.bincount(indices.reshape(-1).long(), minlength=k).double()
    p = counts / counts.sum()
    nz = p[p > 0]
    return float((counts > 0).sum()) / k, math.exp(float(-(nz * nz.log()).sum()))


@pytest.mark.points(2)
def test_codebook_usage(lab):
    """Usage is the fraction of codes used, perplexity exp(entropy): 1 for one code, K for uniform use."""
    cases = [
        (torch.tensor([3, 3, 3, 3]), 8),
        (torch.arange(6).repeat(3), 6),
        (torch.tensor([[0, 1, 1], [1, 4, 4]], dtype=torch.int32), 5),
        (torch.randint(0, 10, (7, 9), generator=torch.Generator().manual_seed(41)), 16),
        (torch.tensor([9]), 10),
    ]
    for indices, k in cases:
        got = lab.codebook_usage(indices, k)
        check(isinstance(got, (tuple, list)) and len(got) == 2, "codebook_usage should return (usage, perplexity)")
        usage, ppl = usage_oracle(indices, k)
        check(isinstance(got[0], float) and isinstance(got[1], float), "usage and perplexity should be Python floats")
        assert_close(got[0], usage, atol=1e-9, what="usage")
        assert_close(got[1], ppl, atol=1e-6, rtol=1e-6, what="perplexity")
    for indices, k in [(torch.zeros(0, dtype=torch.long), 4), (torch.tensor([0, 4]), 4), (torch.tensor([7, 1]), 4), (torch.tensor([-1, 2]), 4)]:
        with pytest.raises(ValueError):
            lab.codebook_usage(indices, k)


# ---- the toy model -------------------------------------------------------------------------------------------

MODES = torch.tensor([[0.6, 0.6], [-0.6, 0.6], [0.6, -0.6], [-0.6, -0.6]])


def toy_data(n=2000, seed=0):
    g = torch.Generator().manual_seed(seed)
    return MODES[torch.randint(0, 4, (n,), generator=g)] + 0.05 * torch.randn(n, 2, generator=g)


@pytest.mark.points(1)
def test_toy_denoiser_shapes(lab):
    """ToyDenoiser maps (B, dim) points and (B,) timesteps to a float32 (B, dim) noise prediction."""
    lab.manual_seed(5)
    model = lab.ToyDenoiser(3, 16, 20)
    out = model(randn(7, 3, seed=42), torch.arange(7) * 3)
    float32_tensor(out, (7, 3), "ToyDenoiser output")
    out2 = model(randn(7, 3, seed=42), torch.arange(7) * 3 + 1)
    check(not torch.allclose(out, out2), "the prediction should depend on the timestep")
    model = lab.ToyDenoiser()
    float32_tensor(model(randn(4, 2, seed=45), torch.tensor([0, 1, 998, 999])), (4, 2), "ToyDenoiser() output (defaults)")


@pytest.mark.points(3)
def test_toy_samples_land_on_modes(lab):
    """After training with the defaults, DDIM samples from a 4-Gaussian mixture land near the modes, all four."""
    ab = ddpm("cosine", 100).alphas_cumprod
    model = lab.train_toy_diffusion(toy_data(), ab, seed=0)
    check(model.training is False, "train_toy_diffusion should return the model in eval mode")
    x_T = randn(400, 2, seed=43)
    samples = lab.ddim_sample(model, x_T, ab, 50)
    float32_tensor(samples, (400, 2), "the samples")
    d = torch.cdist(samples, MODES).min(1)
    near = d.values < 0.2
    check(float(near.float().mean()) >= 0.7, f"only {float(near.float().mean()):.0%} of the samples lie within 0.2 of a mode (need 70%)")
    counts = torch.bincount(d.indices[near], minlength=4)
    check(int(counts.min()) >= 40, "some mode gets (almost) no samples: the model covers the modes unevenly")


@pytest.mark.points(1)
def test_toy_training_is_seeded(lab):
    """The same seed trains the same model; another seed another one."""
    ab = ddpm("cosine", 20).alphas_cumprod
    data, x, t = toy_data(200, 1), randn(5, 2, seed=44), torch.tensor([0, 3, 9, 15, 19])
    a = lab.train_toy_diffusion(data, ab, 20, 32, 1e-2, 7)(x, t)
    b = lab.train_toy_diffusion(data, ab, steps=20, batch_size=32, lr=1e-2, seed=7)(x, t)
    c = lab.train_toy_diffusion(data, ab, steps=20, batch_size=32, lr=1e-2, seed=8)(x, t)
    assert_close(a, b, atol=1e-6, rtol=1e-5, what="two models trained with the same seed")
    check(not torch.allclose(a, c, atol=1e-4), "different seeds should give different models")
