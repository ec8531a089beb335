"""Lab 60: denoising diffusion (DDPM, DDIM, guidance), a DiT block and a VQ-VAE quantiser.

Pieces, each checked against ``diffusers`` or the papers' formulas:

* **noise schedules**: linear and cosine betas and their cumulative products
  (``DDPMScheduler(beta_schedule="linear" | "squaredcos_cap_v2")``);
* the **forward process** ``q(x_t | x_0)`` (``DDPMScheduler.add_noise``) and
  the **noise-prediction loss**;
* one **DDPM ancestral step** (``DDPMScheduler.step``) and one **DDIM step**
  (``DDIMScheduler.step``), the DDIM timestep grid and a deterministic DDIM
  sampler;
* **classifier-free guidance**;
* a **DiT block** with adaLN-Zero conditioning;
* a **VQ-VAE quantiser**: nearest code, straight-through gradients,
  codebook and commitment losses, codebook usage and perplexity;
* a **tiny denoiser** trained on 2-D toy data.

Conventions used throughout
---------------------------
* ``alphas_cumprod`` is the 1-D float tensor ``abar`` of length ``T`` (the
  number of training timesteps): ``abar[t] = prod_{s <= t} (1 - beta_s)``.
  Timestep ``t`` indexes it directly (0-based, as in diffusers).
* The model predicts the noise (diffusers' ``prediction_type="epsilon"``).
* Batched tensors have the batch on dim 0; per-example timesteps are an
  int64 tensor of shape ``(B,)``.
* Functions never modify their input tensors.
"""

from __future__ import annotations

import torch
from torch import nn

SCHEDULES = ("linear", "cosine")
VARIANCE_TYPES = ("fixed_small", "fixed_large")


# ---- schedules and the forward process ----------------------------------------------------------------------


def beta_schedule(
    kind: str,
    num_train_timesteps: int = 1000,
    beta_start: float = 0.0001,
    beta_end: float = 0.02,
    max_beta: float = 0.999,
) -> torch.Tensor:
    """The betas of a noise schedule, a float32 tensor of shape ``(num_train_timesteps,)``.

    * ``"linear"`` (Ho et al., 2020): ``num_train_timesteps`` values evenly
      spaced from ``beta_start`` to ``beta_end`` inclusive, computed as
      ``torch.linspace(beta_start, beta_end, T, dtype=torch.float32)``
      (``DDPMScheduler(beta_schedule="linear")``). ``max_beta`` is not used.
    * ``"cosine"`` (Nichol & Dhariwal, 2021; diffusers' ``"squaredcos_cap_v2"``):
      with ``f(u) = cos((u + 0.008) / 1.008 * pi / 2) ** 2``,
      ``beta_i = min(1 - f((i + 1) / T) / f(i / T), max_beta)`` for
      ``i = 0 .. T-1``, computed in float64 and returned as float32.
      ``beta_start`` and ``beta_end`` are not used. The clip matters: without
      it the last beta is 1 and ``abar`` reaches 0.

    Raises ``ValueError`` for an unknown ``kind``, ``num_train_timesteps < 1``
    or ``max_beta`` outside ``(0, 1]``.
    """
    raise NotImplementedError("TODO: implement beta_schedule")


def alphas_cumprod(betas: torch.Tensor) -> torch.Tensor:
    """``abar[t] = prod_{s=0..t} (1 - betas[s])``, inclusive of ``t``; same shape and dtype as ``betas``.

    ``abar[0] = 1 - betas[0]`` (diffusers' ``scheduler.alphas_cumprod``).
    Raises ``ValueError`` unless ``betas`` is 1-D and non-empty.
    """
    raise NotImplementedError("TODO: implement alphas_cumprod")




def add_noise(
    x0: torch.Tensor,
    noise: torch.Tensor,
    timesteps: int | torch.Tensor,
    alphas_cumprod: torch.Tensor,
) -> torch.Tensor:
    """Sample ``q(x_t | x_0)``: ``sqrt(abar[t]) * x0 + sqrt(1 - abar[t]) * noise``.

    ``x0`` and ``noise`` have the same shape ``(B, ...)``; ``timesteps`` is an
    int (one timestep for the whole batch) or an integer tensor of shape
    ``(B,)`` (one per example, broadcast over the other dims). ``abar`` is
    cast to ``x0``'s dtype first, as ``DDPMScheduler.add_noise`` does; the
    result has ``x0``'s shape and dtype.

    Raises ``ValueError`` when ``noise``'s shape differs from ``x0``'s, when
    the number of timesteps is not ``B`` (or 1), or when a timestep is outside
    ``[0, T)`` (negative timesteps are errors, not indices from the end).
    """
    raise NotImplementedError("TODO: implement add_noise")


def noise_prediction_loss(
    model: nn.Module,
    x0: torch.Tensor,
    noise: torch.Tensor,
    timesteps: torch.Tensor,
    alphas_cumprod: torch.Tensor,
) -> torch.Tensor:
    """The DDPM training loss ``mean((model(x_t, t) - noise) ** 2)`` (Ho et al.'s "simple" loss).

    ``x_t = add_noise(x0, noise, timesteps, alphas_cumprod)``; the model is
    called once as ``model(x_t, timesteps)`` with ``timesteps`` an int64
    tensor of shape ``(B,)`` and predicts the noise. The mean is over every
    element. Returns a 0-d tensor that gradients flow through to the model's
    parameters. Errors as in ``add_noise``.
    """
    raise NotImplementedError("TODO: implement noise_prediction_loss")


# ---- sampling steps -----------------------------------------------------------------------------------------




def ddpm_step(
    model_output: torch.Tensor,
    timestep: int,
    sample: torch.Tensor,
    alphas_cumprod: torch.Tensor,
    noise: torch.Tensor | None = None,
    prev_timestep: int | None = None,
    variance_type: str = "fixed_small",
    clip_sample: bool = True,
    clip_sample_range: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One DDPM ancestral step ``x_t -> x_{t'}``; returns ``(prev_sample, pred_original_sample)``.

    Reproduces ``DDPMScheduler.step`` with ``prediction_type="epsilon"``,
    ``thresholding=False`` and the given ``variance_type``, ``clip_sample``
    and ``clip_sample_range`` (diffusers' defaults: ``"fixed_small"``,
    ``True``, ``1.0``), the scheduler's random draw replaced by ``noise``.

    With ``a = abar[t]``, ``a' = abar[t']`` (1 when ``t' < 0``),
    ``alpha = a / a'`` and ``beta = 1 - alpha``:

    * ``x0_hat = (sample - sqrt(1 - a) * model_output) / sqrt(a)``, then
      clamped to ``[-clip_sample_range, clip_sample_range]`` if ``clip_sample``;
    * ``mean = sqrt(a') * beta / (1 - a) * x0_hat + sqrt(alpha) * (1 - a') / (1 - a) * sample``;
    * variance ``"fixed_small"``: the posterior variance
      ``(1 - a') / (1 - a) * beta``, clamped below at ``1e-20``;
      ``"fixed_large"``: ``beta``;
    * ``prev_sample = mean + sqrt(variance) * noise`` if ``timestep > 0``,
      else ``mean`` (``noise`` is then ignored and may be None).

    ``prev_timestep`` is ``t'``; None means ``timestep - 1`` (the full chain,
    as a scheduler without ``set_timesteps``). ``timestep`` is a Python int in
    ``[0, T)``; ``noise`` has ``sample``'s shape. Outputs have ``sample``'s
    shape; the arithmetic follows diffusers' (``abar`` values taken as 0-d
    tensors of ``alphas_cumprod``'s dtype).

    Raises ``ValueError`` for an unknown ``variance_type``, a ``timestep``
    outside ``[0, T)``, ``prev_timestep >= timestep``, or ``noise`` None
    while ``timestep > 0``.
    """
    raise NotImplementedError("TODO: implement ddpm_step")


def ddim_timesteps(num_train_timesteps: int, num_inference_steps: int, steps_offset: int = 0) -> torch.Tensor:
    """The "leading" timestep grid of ``DDIMScheduler.set_timesteps``, an int64 tensor, descending.

    With ``k = num_train_timesteps // num_inference_steps`` (integer
    division): ``[(n-1)*k, ..., 2k, k, 0] + steps_offset`` for
    ``n = num_inference_steps``. E.g. ``(1000, 10)`` gives
    ``[900, 800, ..., 100, 0]``.

    Raises ``ValueError`` unless ``1 <= num_inference_steps <= num_train_timesteps``.
    """
    raise NotImplementedError("TODO: implement ddim_timesteps")


def ddim_step(
    model_output: torch.Tensor,
    timestep: int,
    sample: torch.Tensor,
    alphas_cumprod: torch.Tensor,
    num_inference_steps: int,
    eta: float = 0.0,
    noise: torch.Tensor | None = None,
    clip_sample: bool = True,
    clip_sample_range: float = 1.0,
    set_alpha_to_one: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One DDIM step (Song et al., 2021); returns ``(prev_sample, pred_original_sample)``.

    Reproduces ``DDIMScheduler.step(model_output, timestep, sample, eta,
    variance_noise=noise)`` after ``set_timesteps(num_inference_steps)``,
    with ``prediction_type="epsilon"``, ``thresholding=False``,
    ``use_clipped_model_output=False`` and the given ``clip_sample``,
    ``clip_sample_range`` and ``set_alpha_to_one`` (diffusers' defaults:
    ``True``, ``1.0``, ``True``).

    * previous timestep ``t' = timestep - T // num_inference_steps``;
    * ``a = abar[t]``; ``a' = abar[t']`` if ``t' >= 0``, otherwise 1 when
      ``set_alpha_to_one`` else ``abar[0]``;
    * ``x0_hat = (sample - sqrt(1 - a) * model_output) / sqrt(a)``, clamped
      to ``[-clip_sample_range, clip_sample_range]`` if ``clip_sample``; the
      direction below uses the unclipped ``model_output``;
    * ``sigma = eta * sqrt((1 - a') / (1 - a) * (1 - a / a'))``;
    * ``prev_sample = sqrt(a') * x0_hat + sqrt(1 - a' - sigma**2) * model_output``,
      plus ``sigma * noise`` when ``eta > 0``.

    With ``eta = 0`` the step is deterministic and ``noise`` is ignored (it
    may be given); with ``eta > 0`` ``noise`` (``sample``'s shape) is required.

    Raises ``ValueError`` for ``eta < 0``, ``noise`` None while ``eta > 0``, a
    ``timestep`` outside ``[0, T)``, or ``num_inference_steps`` outside
    ``[1, T]``.
    """
    raise NotImplementedError("TODO: implement ddim_step")


def ddim_sample(
    model: nn.Module,
    x_T: torch.Tensor,
    alphas_cumprod: torch.Tensor,
    num_inference_steps: int,
    clip_sample: bool = True,
) -> torch.Tensor:
    """Deterministic DDIM sampling (``eta = 0``) from the given starting noise ``x_T``.

    Runs ``ddim_step`` over ``ddim_timesteps(T, num_inference_steps)`` (largest
    first), calling ``model(x, t)`` once per step with ``t`` an int64 tensor of
    shape ``(B,)`` filled with the current timestep; ``set_alpha_to_one=True``.
    The same as the usual diffusers loop with ``DDIMScheduler``. Returns the
    final sample (``x_T``'s shape), without gradients. The model's
    train/eval mode is left unchanged.
    """
    raise NotImplementedError("TODO: implement ddim_sample")


def classifier_free_guidance(
    eps_uncond: torch.Tensor, eps_cond: torch.Tensor, guidance_scale: float
) -> torch.Tensor:
    """Classifier-free guidance (Ho & Salimans, 2022): ``eps_uncond + w * (eps_cond - eps_uncond)``.

    ``w = guidance_scale``; ``w = 0`` gives the unconditional prediction,
    ``w = 1`` the conditional one, ``w > 1`` extrapolates past it (the
    convention of diffusers' pipelines). Raises ``ValueError`` when the
    shapes differ.
    """
    raise NotImplementedError("TODO: implement classifier_free_guidance")


# ---- a DiT block ---------------------------------------------------------------------------------------------


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """adaLN modulation ``x * (1 + scale) + shift``, with ``x`` ``(B, N, D)`` and ``shift``, ``scale`` ``(B, D)``."""
    raise NotImplementedError("TODO: implement modulate")


class DiTBlock(nn.Module):
    """A Diffusion Transformer block with adaLN-Zero conditioning (Peebles & Xie, 2023).

    Submodules (their names are the state dict's keys):

    * ``norm1``, ``norm2``: ``nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)``;
    * ``attn``: ``nn.MultiheadAttention(hidden_size, num_heads, batch_first=True)``
      (bias on, no dropout);
    * ``mlp``: ``nn.Sequential(nn.Linear(D, H), nn.GELU(approximate="tanh"), nn.Linear(H, D))``
      with ``H = int(hidden_size * mlp_ratio)``;
    * ``adaLN_modulation``: ``nn.Sequential(nn.SiLU(), nn.Linear(D, 6 * D))``
      whose Linear weight and bias are **initialised to zero** (adaLN-Zero);
      every other parameter keeps torch's default initialisation.

    ``forward(x, c)`` with tokens ``x`` ``(B, N, D)`` and conditioning ``c``
    ``(B, D)``: split ``adaLN_modulation(c)`` into six ``(B, D)`` chunks
    ``shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp`` (in
    that order, along the last dim), then::

        h = modulate(norm1(x), shift_msa, scale_msa)
        x = x + gate_msa[:, None] * attn(h, h, h)   # attention output only
        x = x + gate_mlp[:, None] * mlp(modulate(norm2(x), shift_mlp, scale_mlp))

    At initialisation the gates are 0, so the block is the identity, yet the
    gradient reaches ``adaLN_modulation`` through the gates.
    """

    def __init__(self, hidden_size: int, num_heads: int, mlp_ratio: float = 4.0) -> None:
        raise NotImplementedError("TODO: implement __init__")

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """The block applied to tokens ``x`` ``(B, N, D)`` under conditioning ``c`` ``(B, D)``; returns ``(B, N, D)``."""
        raise NotImplementedError("TODO: implement forward")


# ---- VQ-VAE quantiser ----------------------------------------------------------------------------------------


def vector_quantize(
    z: torch.Tensor, codebook: torch.Tensor, beta: float = 0.25
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The VQ-VAE bottleneck (van den Oord et al., 2017); returns ``(z_q, loss, indices)``.

    ``z`` is ``(..., D)`` (channels last), ``codebook`` is ``(K, D)``, same
    float dtype.

    * ``indices`` (int64, ``z.shape[:-1]``): the code at the smallest squared
      Euclidean distance from each vector; ties go to the lowest index.
    * ``z_q`` (``z``'s shape): the chosen codes with the **straight-through**
      estimator, ``z + (e - z).detach()``: its value is the codes, its
      gradient passes to ``z`` unchanged, none reaches the codebook.
    * ``loss`` (0-d): ``codebook_loss + beta * commitment_loss`` with
      ``codebook_loss = mean((sg(z) - e) ** 2)`` (moves the codes, no
      gradient to ``z``) and ``commitment_loss = mean((z - sg(e)) ** 2)``
      (moves the encoder output, no gradient to the codebook); ``sg`` is
      stop-gradient (``.detach()``), the means are over every element.

    Raises ``ValueError`` when ``z``'s last dim differs from ``D``.
    """
    raise NotImplementedError("TODO: implement vector_quantize")


def codebook_usage(indices: torch.Tensor, num_codes: int) -> tuple[float, float]:
    """``(usage, perplexity)`` of a batch of code indices (any shape, integer dtype).

    With ``p_k`` the fraction of indices equal to ``k``: ``usage`` is the
    fraction of the ``num_codes`` codes used at least once, ``perplexity`` is
    ``exp(-sum_k p_k log p_k)`` (``0 log 0 = 0``): 1 when one code is used,
    ``num_codes`` when all are used equally. Both are Python floats.

    Raises ``ValueError`` when ``indices`` is empty or an index is outside
    ``[0, num_codes)``.
    """
    raise NotImplementedError("TODO: implement codebook_usage")


# ---- a tiny denoiser on toy data -----------------------------------------------------------------------------


class ToyDenoiser(nn.Module):
    """A small noise-prediction network for low-dimensional data.

    ``forward(x, t)``: ``x`` float32 ``(B, dim)``, ``t`` int64 ``(B,)`` in
    ``[0, num_train_timesteps)``; returns the predicted noise, float32
    ``(B, dim)``. The architecture is yours (an MLP on ``x`` plus a timestep
    embedding works well); ``hidden`` is its width.
    """

    def __init__(self, dim: int = 2, hidden: int = 128, num_train_timesteps: int = 1000) -> None:
        raise NotImplementedError("TODO: implement __init__")

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Predicted noise ``(B, dim)`` for noisy points ``x`` ``(B, dim)`` at timesteps ``t`` ``(B,)``."""
        raise NotImplementedError("TODO: implement forward")


def train_toy_diffusion(
    data: torch.Tensor,
    alphas_cumprod: torch.Tensor,
    steps: int = 600,
    batch_size: int = 256,
    lr: float = 1e-2,
    seed: int = 0,
) -> ToyDenoiser:
    """Train a ``ToyDenoiser`` on the points ``data`` ``(N, dim)`` with ``noise_prediction_loss``.

    Each of the ``steps`` Adam steps draws ``batch_size`` points, timesteps
    uniform in ``[0, T)`` and Gaussian noise, all from a ``torch.Generator``
    seeded with ``seed`` (the same seed gives the same model). The defaults
    must be enough for deterministic DDIM sampling (``ddim_sample``, 50
    steps, ``clip_sample=True`` for data inside ``[-1, 1]``) to put most
    samples near the data on a mixture of a few well-separated Gaussians in
    2-D, with ``T = 100`` and a cosine schedule, in a few seconds of CPU time.
    Returns the model in eval mode.
    """
    raise NotImplementedError("TODO: implement train_toy_diffusion")
