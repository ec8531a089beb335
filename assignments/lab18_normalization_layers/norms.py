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

import math  # noqa: F401
import time  # noqa: F401  (time.perf_counter for the experiment)
from collections.abc import Sequence

import torch
from torch import nn

LAYER_NORM_EPS = 1e-5
"""The default ``eps`` of LayerNorm (as in torch)."""

EXPERIMENT_NORMS = ("layernorm", "rmsnorm", "none")
"""The norms compared by :func:`run_norm_experiment`, in the order of its table."""


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
    raise NotImplementedError("TODO: two-pass mean and biased variance (in float32 for low precision), normalise, weight, bias")


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
    raise NotImplementedError("TODO: recompute x_hat and rstd, then the three formulas of the docstring")


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
        raise NotImplementedError("TODO: save what backward needs on ctx, return layer_norm_forward(...)")

    @staticmethod
    def backward(ctx, grad_output):  # type: ignore[override]
        raise NotImplementedError("TODO: call layer_norm_backward, return one gradient (or None) per forward input")


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
    raise NotImplementedError("TODO: LayerNormFunction.apply(...)")


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
    raise NotImplementedError("TODO: x / sqrt(mean(x^2) + eps) * weight; eps=None means finfo(compute dtype).eps")


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
    raise NotImplementedError("TODO: recompute x_hat and rstd, then the two formulas of the docstring")


class RMSNormFunction(torch.autograd.Function):
    """RMSNorm as an autograd Function: :func:`rms_norm_forward` forward,
    :func:`rms_norm_backward` backward.

    ``RMSNormFunction.apply(x, normalized_shape, weight, eps)`` (positional
    arguments only; ``weight`` and ``eps`` may be None). ``backward`` returns
    ``grad_x``, None, ``grad_weight`` (None when ``weight`` is None), None.
    """

    @staticmethod
    def forward(ctx, x, normalized_shape, weight, eps):  # type: ignore[override]
        raise NotImplementedError("TODO: save what backward needs on ctx, return rms_norm_forward(...)")

    @staticmethod
    def backward(ctx, grad_output):  # type: ignore[override]
        raise NotImplementedError("TODO: call rms_norm_backward, return one gradient (or None) per forward input")


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
    raise NotImplementedError("TODO: RMSNormFunction.apply(...)")


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
        raise NotImplementedError("TODO: super().__init__(), the three attributes, weight and bias (or None)")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """LayerNorm of ``x`` ``(..., *normalized_shape)``; same shape and dtype."""
        raise NotImplementedError("TODO: layer_norm(x, ...) with this module's parameters")


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
        raise NotImplementedError("TODO: super().__init__(), the three attributes, weight (or None)")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """RMSNorm of ``x`` ``(..., *normalized_shape)``; same shape and dtype."""
        raise NotImplementedError("TODO: rms_norm(x, ...) with this module's parameters")


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
    raise NotImplementedError("TODO: train the three models, plot the losses (matplotlib Agg), return the table")
