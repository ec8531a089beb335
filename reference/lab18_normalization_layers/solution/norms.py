"""Lab 18: normalization layers.

LayerNorm and RMSNorm from scratch, with the same conventions as
``torch.nn.LayerNorm`` / ``torch.nn.RMSNorm`` (and the functional
``torch.nn.functional.layer_norm`` / ``rms_norm``): a forward pass, a
**hand-written** backward pass, a ``torch.autograd.Function`` that ties them
together, ``nn.Module`` wrappers whose ``state_dict`` is interchangeable with
torch's, and a small experiment that trains the same model with each norm.

Conventions used throughout
---------------------------
* ``normalized_shape`` is an int or a sequence of ints: the trailing
  dimensions of ``x`` that are normalised together (``(D,)`` for the last
  dimension, ``(H, W)`` for the last two...). Every other (leading)
  dimension is a batch dimension; there may be any number of them, zero
  included. ``N`` below is the number of elements in ``normalized_shape``.
* ``weight`` and ``bias`` (optional) have exactly the shape
  ``normalized_shape``.
* Precision policy (the same as torch's): statistics and the normalisation
  are computed in **float32 for bfloat16 and float16 inputs** (in float64 for
  float64 inputs, in float32 for float32 inputs); ``weight`` and ``bias`` are
  converted to that compute dtype, and the result is cast back to the dtype
  of ``x`` at the very end. Gradients come back in the dtype of the tensor
  they belong to (``x`` or ``weight``/``bias``; without a weight, in the
  dtype of ``x``).
* LayerNorm uses the **biased** variance (divide by ``N``, not ``N - 1``)
  and a **two-pass** computation (first the mean, then the mean of squared
  deviations from it), which stays accurate when the mean is large compared
  with the spread (inputs like ``1e4 + noise`` in float32).
* ``eps`` is added to the variance (or the mean square) *inside* the square
  root. For RMSNorm, ``eps=None`` means ``torch.finfo(compute_dtype).eps``
  (``1.19e-07`` for float32, bfloat16 and float16 inputs, ``2.2e-16`` for
  float64), which is what torch actually does.

You may use ``torch`` tensor operations (``mean``, ``sum``, ``rsqrt``,
``addcmul``...) but not ``torch.nn.functional.layer_norm``,
``torch.nn.functional.rms_norm``, ``torch.layer_norm``, ``torch.rms_norm``,
``torch.native_layer_norm``, ``nn.LayerNorm``, ``nn.RMSNorm``, ``var``,
``std`` or ``var_mean``, and the backward functions must not call autograd
(no ``torch.autograd.grad`` or ``.backward()`` inside them).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import torch
from torch import nn

LAYER_NORM_EPS = 1e-5
"""The default ``eps`` of LayerNorm (as in torch)."""

EXPERIMENT_NORMS = ("layernorm", "rmsnorm", "none")
"""The norms compared by :func:`run_norm_experiment`, in the order of its table."""


# ---- helpers ------------------------------------------------------------------------------------


def _as_shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(n) for n in normalized_shape)


def _validate(x: torch.Tensor, shape: tuple[int, ...], **params: torch.Tensor | None) -> None:
    if len(shape) == 0 or any(n <= 0 for n in shape):
        raise ValueError(f"normalized_shape must be non-empty with positive sizes, got {shape}")
    if x.dim() < len(shape) or tuple(x.shape[-len(shape):]) != shape:
        raise ValueError(f"the trailing dims of x {tuple(x.shape)} are not normalized_shape {shape}")
    for name, p in params.items():
        if p is not None and tuple(p.shape) != shape:
            raise ValueError(f"{name} has shape {tuple(p.shape)}, expected normalized_shape {shape}")


def _compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """float32 for bfloat16 / float16 / float32, float64 for float64."""
    return torch.promote_types(dtype, torch.float32)


def _dims(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The (negative) indices of the normalised trailing dimensions."""
    return tuple(range(-len(shape), 0))


def _sum_leading(t: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    """Sum over every leading (batch) dimension, leaving shape ``shape``."""
    return t.reshape(-1, *shape).sum(dim=0)


def _layer_norm_stats(x: torch.Tensor, dims: tuple[int, ...], eps: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Centred input ``x - mean`` and ``rstd = 1 / sqrt(var + eps)`` (two-pass, biased)."""
    centred = x - x.mean(dim=dims, keepdim=True)
    var = centred.square().mean(dim=dims, keepdim=True)
    return centred, torch.rsqrt(var.add_(eps))


def _rms_eps(eps: float | None, compute_dtype: torch.dtype) -> float:
    return torch.finfo(compute_dtype).eps if eps is None else eps


# ---- LayerNorm ----------------------------------------------------------------------------------


def layer_norm_forward(
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = LAYER_NORM_EPS,
) -> torch.Tensor:
    """LayerNorm of ``x`` over its trailing ``normalized_shape`` dimensions.

    For each slice ``s`` of ``N`` elements (one per combination of the
    leading indices)::

        mean = sum(s) / N
        var  = sum((s - mean)^2) / N          # biased; two-pass
        y    = (s - mean) / sqrt(var + eps) * weight + bias

    ``weight`` and ``bias`` are optional (a missing one acts as 1, resp. 0).
    Computed in the compute dtype of the module docstring's precision policy
    (float32 for bfloat16 / float16 inputs) and cast back to ``x.dtype``.

    This is the plain forward computation: it need not be differentiable (use
    :func:`layer_norm` for a differentiable version).

    Args:
        x: a floating-point tensor ``(..., *normalized_shape)``.
        normalized_shape: an int or a sequence of ints, the trailing shape of
            ``x`` to normalise over.
        weight: optional tensor of shape ``normalized_shape``.
        bias: optional tensor of shape ``normalized_shape``.
        eps: added to the variance inside the square root (``>= 0``).

    Returns:
        A tensor with the shape and dtype of ``x``.

    Raises:
        ValueError: if ``normalized_shape`` is empty or holds a size below
            1, if the trailing dimensions of ``x`` are not
            ``normalized_shape``, or if ``weight`` or ``bias`` is given with
            another shape.
    """
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight, bias=bias)
    cdt = _compute_dtype(x.dtype)
    centred, rstd = _layer_norm_stats(x.to(cdt), _dims(shape), eps)
    y = centred.mul_(rstd)
    if weight is not None and bias is not None:
        y = torch.addcmul(bias.to(cdt), y, weight.to(cdt))
    elif weight is not None:
        y = y.mul_(weight.to(cdt))
    elif bias is not None:
        y = y.add_(bias.to(cdt))
    return y.to(x.dtype)


def layer_norm_backward(
    grad_output: torch.Tensor,
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    eps: float = LAYER_NORM_EPS,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Hand-written backward pass of :func:`layer_norm_forward`.

    With ``x_hat = (x - mean) / sqrt(var + eps)`` (per slice, as in the
    forward), ``rstd = 1 / sqrt(var + eps)`` and ``g = grad_output * weight``
    (``g = grad_output`` without a weight), the gradients are::

        grad_x      = rstd * (g - mean(g) - x_hat * mean(g * x_hat))
        grad_weight = sum over the leading dims of grad_output * x_hat
        grad_bias   = sum over the leading dims of grad_output

    where ``mean`` is over the normalised dimensions of each slice. The
    bias does not enter any gradient, so it is not an argument. Computed in
    the compute dtype of the precision policy. Do not call autograd here.

    Args:
        grad_output: the gradient of the loss with respect to the output,
            same shape as ``x``.
        x: the forward input ``(..., *normalized_shape)``.
        normalized_shape: as in :func:`layer_norm_forward`.
        weight: the forward's weight, or None.
        eps: the forward's eps.

    Returns:
        ``(grad_x, grad_weight, grad_bias)``: ``grad_x`` with the shape and
        dtype of ``x``; ``grad_weight`` and ``grad_bias`` of shape
        ``normalized_shape`` in the dtype of ``weight`` (of ``x`` when
        ``weight`` is None). They are always returned: they are the
        gradients an affine weight / bias *would* get (the caller drops them
        when there is no such parameter).

    Raises:
        ValueError: for the same shape problems as the forward, or if
            ``grad_output`` does not have the shape of ``x``.
    """
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight)
    if grad_output.shape != x.shape:
        raise ValueError(f"grad_output has shape {tuple(grad_output.shape)}, x has {tuple(x.shape)}")
    cdt, dims = _compute_dtype(x.dtype), _dims(shape)
    gy = grad_output.to(cdt)
    centred, rstd = _layer_norm_stats(x.to(cdt), dims, eps)
    x_hat = centred.mul_(rstd)

    g = gy * weight.to(cdt) if weight is not None else gy
    grad_x = rstd * (g - g.mean(dim=dims, keepdim=True) - x_hat * (g * x_hat).mean(dim=dims, keepdim=True))

    param_dtype = weight.dtype if weight is not None else x.dtype
    grad_weight = _sum_leading(gy * x_hat, shape).to(param_dtype)
    grad_bias = _sum_leading(gy, shape).to(param_dtype)
    return grad_x.to(x.dtype), grad_weight, grad_bias


class LayerNormFunction(torch.autograd.Function):
    """LayerNorm as an autograd Function: :func:`layer_norm_forward` forward,
    :func:`layer_norm_backward` backward.

    ``LayerNormFunction.apply(x, normalized_shape, weight, bias, eps)``
    (positional arguments only; ``weight`` and ``bias`` may be None).
    ``backward`` returns one gradient per ``forward`` input: ``grad_x``,
    None for ``normalized_shape``, ``grad_weight`` (None when ``weight`` is
    None), ``grad_bias`` (None when ``bias`` is None), None for ``eps``.
    """

    @staticmethod
    def forward(ctx, x, normalized_shape, weight, bias, eps):  # type: ignore[override]
        ctx.save_for_backward(x, weight)
        ctx.normalized_shape = _as_shape(normalized_shape)
        ctx.eps = eps
        ctx.has_bias = bias is not None
        return layer_norm_forward(x, normalized_shape, weight, bias, eps)

    @staticmethod
    def backward(ctx, grad_output):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        grad_x, grad_weight, grad_bias = layer_norm_backward(grad_output, x, ctx.normalized_shape, weight, ctx.eps)
        return (
            grad_x,
            None,
            grad_weight if weight is not None else None,
            grad_bias if ctx.has_bias else None,
            None,
        )


def layer_norm(
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = LAYER_NORM_EPS,
) -> torch.Tensor:
    """Differentiable LayerNorm: ``LayerNormFunction.apply(x, normalized_shape, weight, bias, eps)``.

    Same arguments, result and exceptions as :func:`layer_norm_forward`;
    gradients flow to ``x``, ``weight`` and ``bias`` through
    :func:`layer_norm_backward` (not through autograd of the forward).
    """
    return LayerNormFunction.apply(x, _as_shape(normalized_shape), weight, bias, eps)


# ---- RMSNorm ------------------------------------------------------------------------------------


def rms_norm_forward(
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    eps: float | None = None,
) -> torch.Tensor:
    """RMSNorm of ``x`` over its trailing ``normalized_shape`` dimensions.

    For each slice ``s`` of ``N`` elements::

        y = s / sqrt(sum(s^2) / N + eps) * weight

    No mean is subtracted and there is no bias. ``eps=None`` means
    ``torch.finfo(compute_dtype).eps`` (see the module docstring).
    Computed in the compute dtype and cast back to ``x.dtype``. Need not be
    differentiable (use :func:`rms_norm` for that).

    Args:
        x: a floating-point tensor ``(..., *normalized_shape)``.
        normalized_shape: an int or a sequence of ints.
        weight: optional tensor of shape ``normalized_shape`` (missing acts
            as 1).
        eps: added to the mean square inside the square root, or None.

    Returns:
        A tensor with the shape and dtype of ``x``.

    Raises:
        ValueError: as :func:`layer_norm_forward`.
    """
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight)
    cdt = _compute_dtype(x.dtype)
    xc = x.to(cdt)
    rstd = torch.rsqrt(xc.square().mean(dim=_dims(shape), keepdim=True).add_(_rms_eps(eps, cdt)))
    y = xc * rstd
    if weight is not None:
        y = y.mul_(weight.to(cdt))
    return y.to(x.dtype)


def rms_norm_backward(
    grad_output: torch.Tensor,
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    eps: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Hand-written backward pass of :func:`rms_norm_forward`.

    With ``rstd = 1 / sqrt(mean(x^2) + eps)``, ``x_hat = x * rstd`` and
    ``g = grad_output * weight`` (``g = grad_output`` without a weight)::

        grad_x      = rstd * (g - x_hat * mean(g * x_hat))
        grad_weight = sum over the leading dims of grad_output * x_hat

    ``mean`` is over the normalised dimensions of each slice. Computed in
    the compute dtype. Do not call autograd here.

    Returns:
        ``(grad_x, grad_weight)``: ``grad_x`` with the shape and dtype of
        ``x``; ``grad_weight`` of shape ``normalized_shape`` in the dtype of
        ``weight`` (of ``x`` when ``weight`` is None), always returned.

    Raises:
        ValueError: as :func:`layer_norm_backward`.
    """
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight)
    if grad_output.shape != x.shape:
        raise ValueError(f"grad_output has shape {tuple(grad_output.shape)}, x has {tuple(x.shape)}")
    cdt, dims = _compute_dtype(x.dtype), _dims(shape)
    gy, xc = grad_output.to(cdt), x.to(cdt)
    rstd = torch.rsqrt(xc.square().mean(dim=dims, keepdim=True).add_(_rms_eps(eps, cdt)))
    x_hat = xc * rstd

    g = gy * weight.to(cdt) if weight is not None else gy
    grad_x = rstd * (g - x_hat * (g * x_hat).mean(dim=dims, keepdim=True))
    grad_weight = _sum_leading(gy * x_hat, shape).to(weight.dtype if weight is not None else x.dtype)
    return grad_x.to(x.dtype), grad_weight


class RMSNormFunction(torch.autograd.Function):
    """RMSNorm as an autograd Function: :func:`rms_norm_forward` forward,
    :func:`rms_norm_backward` backward.

    ``RMSNormFunction.apply(x, normalized_shape, weight, eps)`` (positional
    arguments only; ``weight`` and ``eps`` may be None). ``backward`` returns
    ``grad_x``, None, ``grad_weight`` (None when ``weight`` is None), None.
    """

    @staticmethod
    def forward(ctx, x, normalized_shape, weight, eps):  # type: ignore[override]
        ctx.save_for_backward(x, weight)
        ctx.normalized_shape = _as_shape(normalized_shape)
        ctx.eps = eps
        return rms_norm_forward(x, normalized_shape, weight, eps)

    @staticmethod
    def backward(ctx, grad_output):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        grad_x, grad_weight = rms_norm_backward(grad_output, x, ctx.normalized_shape, weight, ctx.eps)
        return grad_x, None, grad_weight if weight is not None else None, None


def rms_norm(
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    eps: float | None = None,
) -> torch.Tensor:
    """Differentiable RMSNorm: ``RMSNormFunction.apply(x, normalized_shape, weight, eps)``.

    Same arguments, result and exceptions as :func:`rms_norm_forward`;
    gradients flow to ``x`` and ``weight`` through :func:`rms_norm_backward`.
    """
    return RMSNormFunction.apply(x, _as_shape(normalized_shape), weight, eps)


# ---- modules ------------------------------------------------------------------------------------


class LayerNorm(nn.Module):
    """Drop-in replacement for ``torch.nn.LayerNorm`` built on :func:`layer_norm`.

    Attributes: ``normalized_shape`` (a tuple of ints), ``eps`` (float),
    ``elementwise_affine`` (bool). Parameters, named as in torch so that
    ``state_dict``s load both ways:

    * ``weight`` of shape ``normalized_shape``, initialised to ones, when
      ``elementwise_affine``; otherwise the attribute ``weight`` is None;
    * ``bias`` of shape ``normalized_shape``, initialised to zeros, when
      ``elementwise_affine`` and ``bias``; otherwise ``bias`` is None.

    No other parameters or buffers.

    Args:
        normalized_shape: an int or a sequence of ints.
        eps: as in :func:`layer_norm_forward`.
        elementwise_affine: whether there are learnable parameters.
        bias: whether there is a learnable bias (only with
            ``elementwise_affine``).
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = LAYER_NORM_EPS,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
            self.bias = nn.Parameter(torch.zeros(self.normalized_shape)) if bias else None
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """LayerNorm of ``x`` ``(..., *normalized_shape)``; same shape and dtype."""
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class RMSNorm(nn.Module):
    """Drop-in replacement for ``torch.nn.RMSNorm`` built on :func:`rms_norm`.

    Attributes: ``normalized_shape`` (a tuple of ints), ``eps`` (float or
    None), ``elementwise_affine`` (bool). Parameter ``weight`` of shape
    ``normalized_shape``, initialised to ones, when ``elementwise_affine``
    (otherwise the attribute ``weight`` is None). No bias, no buffers.

    Args:
        normalized_shape: an int or a sequence of ints.
        eps: as in :func:`rms_norm_forward` (None: the machine epsilon of
            the compute dtype).
        elementwise_affine: whether there is a learnable weight.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
        else:
            self.register_parameter("weight", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """RMSNorm of ``x`` ``(..., *normalized_shape)``; same shape and dtype."""
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)


# ---- the experiment -----------------------------------------------------------------------------


class _ResidualBlock(nn.Module):
    """``x + fc2(gelu(fc1(norm(x))))``: a pre-norm residual MLP block."""

    def __init__(self, d: int, norm: nn.Module) -> None:
        super().__init__()
        self.norm = norm
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm(x))))


def _make_norm(kind: str, d: int) -> nn.Module:
    if kind == "layernorm":
        return LayerNorm(d)
    if kind == "rmsnorm":
        return RMSNorm(d)
    return nn.Identity()


def _make_model(kind: str, d_in: int, d: int, depth: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(d_in, d),
        *(_ResidualBlock(d, _make_norm(kind, d)) for _ in range(depth)),
        _make_norm(kind, d),
        nn.Linear(d, 1),
    )


def run_norm_experiment(path: str, steps: int = 60, seed: int = 0, lr: float = 1e-2) -> list[dict]:
    """Train the same tiny model with LayerNorm, RMSNorm and no norm; plot the losses.

    The model is a small pre-norm residual MLP built from *your*
    ``LayerNorm`` / ``RMSNorm`` modules (default ``eps``), or ``nn.Identity``
    for ``"none"``. Everything is fixed, so that a run can be compared with a
    run of the same recipe on torch's own norms:

    * data, the same for all three runs: ``g = torch.Generator().manual_seed(seed)``;
      ``inputs = 5 + 4 * torch.randn(128, 8, generator=g)`` (a large mean and
      spread, so the norms matter), then ``v = torch.randn(8, 1, generator=g) / sqrt(8)``;
      ``targets = sin(2 * ((inputs - 5) / 4) @ v)``, shape ``(128, 1)``;
    * model, rebuilt for each norm right after ``torch.manual_seed(seed)``,
      its modules created in this order: ``nn.Linear(8, 16)``; two blocks
      ``h -> h + fc2(gelu(fc1(norm(h))))`` (exact GELU), each creating its
      ``norm``, then ``fc1 = nn.Linear(16, 64)``, then ``fc2 = nn.Linear(64, 16)``;
      a final ``norm``; an ``nn.Linear(16, 1)`` head. The norms draw no random
      numbers, so all three models start from the same linear weights;
    * training: ``torch.optim.Adam(model.parameters(), lr=lr)``, ``steps``
      full-batch steps on the MSE loss (``nn.functional.mse_loss``), a fresh
      model and optimiser for each norm.

    Keep it small: the whole call with ``steps=20`` should take well under a
    second or two.

    The loss curves (one line per norm, each in its own colour, loss against
    step, labelled with the norm's name) are saved as a PNG image of 600 x 400
    pixels (``figsize=(6, 4)`` at 100 dpi) at ``path`` with matplotlib's Agg
    backend (no window is opened). ``path``'s folder must exist.

    Args:
        path: where to write the PNG.
        steps: the number of optimiser steps per run (``>= 1``).
        seed: the seed for the data and the initial weights.
        lr: Adam's learning rate.

    Returns:
        One dict per norm, in the order of ``EXPERIMENT_NORMS``
        (``"layernorm"``, ``"rmsnorm"``, ``"none"``), with keys:
        ``"norm"`` (str), ``"steps"`` (int, = ``steps``), ``"losses"``
        (list of ``steps`` floats: the training loss *before* each step),
        ``"final_loss"`` (float: the loss after the last step) and
        ``"seconds"`` (float: wall time of that run's training loop). The same
        seed gives the same losses, whatever the state of torch's global
        random number generator before the call.

    Raises:
        ValueError: if ``steps < 1``.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    d_in, d, depth, n = 8, 16, 2, 128
    data = torch.Generator().manual_seed(seed)
    inputs = 5.0 + 4.0 * torch.randn(n, d_in, generator=data)
    teacher = torch.randn(d_in, 1, generator=data) / math.sqrt(d_in)
    targets = torch.sin((inputs - 5.0) / 4.0 @ teacher * 2.0)

    table = []
    for kind in EXPERIMENT_NORMS:
        torch.manual_seed(seed)
        model = _make_model(kind, d_in, d, depth)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        losses = []
        start = time.perf_counter()
        for _ in range(steps):
            loss = nn.functional.mse_loss(model(inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        with torch.no_grad():
            final = nn.functional.mse_loss(model(inputs), targets).item()
        seconds = time.perf_counter() - start
        table.append({"norm": kind, "steps": steps, "losses": losses, "final_loss": final, "seconds": seconds})

    _plot_losses(table, path)
    return table


def _plot_losses(table: list[dict], path: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for row in table:
        ax.plot(range(len(row["losses"])), row["losses"], label=row["norm"])
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (MSE)")
    ax.set_yscale("log")
    ax.set_title("The same model with different normalization layers")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
