"""Lab 39 (your file): gradient clipping, gradient accumulation and skipping non-finite steps.

Three tools that every large training run uses, written so that each can be
checked against torch exactly:

* **clipping** of a list of gradients by their global norm (the same numbers
  as ``torch.nn.utils.clip_grad_norm_``, inf-norm and overflow included) and
  by value (``torch.nn.utils.clip_grad_value_``);
* **gradient accumulation**: the gradient of a big batch computed one
  micro-batch at a time, with each micro-batch's loss weighted by its share
  of the batch, so that a short last micro-batch counts right;
* a ``Trainer`` that accumulates, clips, and **skips** an optimiser step whose
  loss or gradients hold an inf or a nan, counting the skipped steps.

Conventions used throughout
---------------------------
* A list of gradients is a Python list (or tuple) whose entries are float
  tensors (any shapes, all of one dtype: float32 or float64) or ``None``
  (a parameter without a gradient, which every function skips and returns as
  ``None`` at the same position).
* The functions never modify their input tensors: they return new ones.
* A state dict maps ``TinyMLP``'s parameter names to tensors.

What you may use: any torch tensor operation (``torch.linalg.vector_norm``,
``Tensor.abs``, ``amax``, ``clamp``, ``torch.isfinite``, ...), ``nn.Linear``,
``nn.Tanh``, ``F.cross_entropy``, ``F.mse_loss``, ``torch.optim.SGD`` and
``torch.optim.AdamW``. You may NOT use torch's clipping utilities
(``torch.nn.utils.clip_grad_norm_``, ``clip_grad_value_``,
``get_total_norm``, ``clip_grads_with_norm_``, anything from
``torch.nn.utils.clip_grad``) anywhere in this file: a static check looks
for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

LOSSES = ("cross_entropy", "mse")
OPTIMIZERS = ("sgd", "adamw")
EPS = 1e-6  # added to the total norm before dividing, as torch does


# ---- clipping -------------------------------------------------------------------------------------


def grad_norm(grads: Sequence[torch.Tensor | None], norm_type: float = 2.0) -> torch.Tensor:
    """The global ``norm_type``-norm of a list of gradients, as one vector.

    Computed as torch does: first each gradient's own norm,
    ``torch.linalg.vector_norm(g, norm_type)``, then the same norm of the
    vector of those norms. ``norm_type = math.inf`` gives the largest
    absolute value of all entries. Every step runs in the gradients' dtype
    with no rescaling, so the result overflows exactly where torch's does:
    float32 gradients of size ``1e20`` have an ``inf`` 2-norm (their squares
    overflow) but a finite inf-norm. A nan anywhere gives a nan norm (for
    every ``norm_type``, inf-norm included); an inf (and no nan) gives inf.

    Args:
        grads: the gradients; ``None`` entries are skipped.
        norm_type: ``p >= 1`` (a float or an int), or ``math.inf``.

    Returns:
        A 0-d tensor of the gradients' dtype. With no gradients at all (an
        empty list, or only ``None``), ``torch.tensor(0.0)`` (float32).

    Raises:
        ValueError: if ``norm_type`` is below 1 or nan.
    """
    raise NotImplementedError("TODO: grad_norm: per-gradient norms, then the norm of those norms")


def clip_grad_norm(
    grads: Sequence[torch.Tensor | None],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> tuple[list[torch.Tensor | None], torch.Tensor]:
    """Scale a list of gradients so that their global norm is at most ``max_norm``.

    With ``total = grad_norm(grads, norm_type)`` (one norm over all the
    gradients together, never one per gradient), every gradient is multiplied
    by the same coefficient ``min(max_norm / (total + 1e-6), 1.0)``: the
    ``1e-6`` keeps the division finite for zero gradients, and the clamp at 1
    means gradients whose norm is already below ``max_norm`` are returned
    unchanged in value (never scaled up). The coefficient is a 0-d tensor of
    ``total``'s dtype, as in torch, and the multiplication is done even when
    the coefficient is 1 or the norm is not finite: an inf norm gives a
    coefficient of 0 (finite entries become 0, inf entries nan), a nan norm
    gives nan gradients. ``max_norm = 0`` gives zero gradients. The result
    equals ``torch.nn.utils.clip_grad_norm_`` applied to parameters holding
    these gradients.

    Args:
        grads: the gradients; ``None`` entries are skipped and returned as
            ``None``.
        max_norm: ``>= 0``, the largest global norm allowed.
        norm_type: as in ``grad_norm``.
        error_if_nonfinite: if True, raise ``RuntimeError`` when ``total``
            is inf or nan (before anything is scaled).

    Returns:
        ``(clipped, total)``: ``clipped`` a new list, aligned with ``grads``,
        of new tensors (same shapes and dtypes; the inputs are not
        modified) and ``None`` entries; ``total`` the 0-d norm **before**
        clipping, as ``grad_norm`` returns it.

    Raises:
        ValueError: if ``max_norm`` is negative or nan, or ``norm_type`` is
            invalid (as in ``grad_norm``).
        RuntimeError: if ``error_if_nonfinite`` and the total norm is not
            finite.
    """
    raise NotImplementedError("TODO: clip_grad_norm: one coefficient min(max_norm / (total + 1e-6), 1) for all gradients")


def clip_grad_value(grads: Sequence[torch.Tensor | None], clip_value: float) -> list[torch.Tensor | None]:
    """Clamp every gradient entry to ``[-clip_value, clip_value]``.

    Each entry on its own (no norm is involved): ``inf`` becomes
    ``clip_value``, ``-inf`` becomes ``-clip_value``, nan stays nan;
    ``clip_value = 0`` gives zeros. Equal to
    ``torch.nn.utils.clip_grad_value_``.

    Args:
        grads: the gradients; ``None`` entries are returned as ``None``.
        clip_value: ``>= 0``.

    Returns:
        A new list aligned with ``grads`` of new tensors (same shapes and
        dtypes; the inputs are not modified) and ``None`` entries.

    Raises:
        ValueError: if ``clip_value`` is negative or nan.
    """
    raise NotImplementedError("TODO: clip_grad_value: clamp each entry to [-clip_value, clip_value]")


# ---- accumulation ---------------------------------------------------------------------------------


def micro_batch_bounds(batch_size: int, micro_batch_size: int) -> list[tuple[int, int]]:
    """Split ``range(batch_size)`` into consecutive micro-batches.

    Returns ``[(0, m), (m, 2m), ...]`` with ``m = micro_batch_size``; the
    last pair ends at ``batch_size``, so the last micro-batch is shorter when
    ``m`` does not divide ``batch_size``. ``m >= batch_size`` gives the single
    pair ``(0, batch_size)``. Example: ``micro_batch_bounds(10, 4)`` is
    ``[(0, 4), (4, 8), (8, 10)]``.

    Raises:
        ValueError: if ``batch_size < 1`` or ``micro_batch_size < 1``.
    """
    raise NotImplementedError("TODO: micro_batch_bounds: consecutive (start, stop) pairs")


class TinyMLP(nn.Module):
    """A two-layer perceptron: ``fc2(tanh(fc1(x)))``.

    Submodules, in this order: ``fc1 = nn.Linear(d_in, d_hidden)``,
    ``act = nn.Tanh()``, ``fc2 = nn.Linear(d_hidden, d_out)``; the
    ``state_dict`` keys are ``fc1.weight``, ``fc1.bias``, ``fc2.weight``,
    ``fc2.bias``. ``forward`` maps ``(B, d_in)`` inputs to ``(B, d_out)``
    outputs. It is given complete: nothing to write here.
    """

    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


def batch_loss(outputs: torch.Tensor, targets: torch.Tensor, loss: str = "cross_entropy") -> torch.Tensor:
    """The mean loss of a batch, differentiable.

    * ``"cross_entropy"``: ``F.cross_entropy(outputs, targets)``, with
      ``outputs`` ``(B, C)`` logits and ``targets`` ``(B,)`` int64 class ids;
    * ``"mse"``: ``F.mse_loss(outputs, targets)``, with ``targets`` of
      ``outputs``' shape and dtype.

    Both are means over the ``B`` examples (mse also over the output
    features, the same number for every example), so the loss of a batch is
    the size-weighted mean of the losses of its parts.

    Returns:
        A 0-d tensor of ``outputs``' dtype.

    Raises:
        ValueError: if ``loss`` is not one of the two names.
    """
    raise NotImplementedError("TODO: batch_loss: cross_entropy or mse, mean over the batch")


def accumulate_gradients(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    micro_batch_size: int,
    loss: str = "cross_entropy",
) -> tuple[float, dict[str, torch.Tensor | None]]:
    """Leave in ``model``'s ``.grad`` the gradient of the whole batch's mean loss,
    computed one micro-batch at a time.

    1. Clear the gradients already stored: ``model.zero_grad(set_to_none=True)``
       (once, before the loop, never inside it).
    2. For each ``(start, stop)`` of ``micro_batch_bounds(B, micro_batch_size)``
       (``B = len(inputs)``): ``part = batch_loss(model(inputs[start:stop]),
       targets[start:stop], loss)``; back-propagate
       ``part * (stop - start) / B``. The weight is the micro-batch's share
       of the batch: not ``1 / number_of_micro_batches``, which over-weights
       a short last micro-batch, and not 1, which sums the means.

    The gradients then equal those of ``batch_loss(model(inputs), targets,
    loss)`` back-propagated in one go (up to rounding), for every
    ``micro_batch_size``. No optimiser step is taken here.

    Args:
        model: any module mapping ``(b, d_in)`` inputs to ``(b, d_out)``
            outputs (a ``TinyMLP`` in the tests).
        inputs: ``(B, d_in)`` float tensor of the model's dtype, ``B >= 1``.
        targets: ``(B,)`` int64 class ids (cross-entropy) or ``(B, d_out)``
            floats (mse).
        micro_batch_size: ``>= 1``; at least ``B`` means a single pass.
        loss: ``"cross_entropy"`` or ``"mse"``.

    Returns:
        ``(batch_loss_value, grads)``: the whole batch's mean loss as a Python
        float (the weighted sum of the micro-batch losses), and a dict
        mapping each ``model.named_parameters()`` name to a copy of its
        accumulated ``.grad`` (``None`` for a parameter that got none).

    Raises:
        ValueError: if ``micro_batch_size < 1``, ``B == 0``, ``inputs`` and
            ``targets`` differ in length, or ``loss`` is unknown.
    """
    raise NotImplementedError("TODO: accumulate_gradients: zero once, then weight each micro-batch loss by its size / B")


# ---- the trainer ----------------------------------------------------------------------------------


class Trainer:
    """Trains a ``TinyMLP`` with accumulation, clipping, and skipping of non-finite steps.

    Construction:

    1. ``model = TinyMLP(d_in, d_hidden, d_out)``, converted to the dtype of
       ``state_dict["fc1.weight"]`` (float32 or float64), then
       ``model.load_state_dict(state_dict)`` (strict; the given tensors are
       copied, not shared).
    2. ``optimizer``: ``"sgd"`` is ``torch.optim.SGD(model.parameters(),
       lr=lr, momentum=momentum, weight_decay=weight_decay)``; ``"adamw"`` is
       ``torch.optim.AdamW(model.parameters(), lr=lr,
       weight_decay=weight_decay)`` with torch's other defaults (``momentum``
       is ignored).
    3. ``step = 0``, ``skipped_steps = 0``.

    Attributes:
        model, optimizer: as above.
        step: the optimiser steps taken so far (skipped steps not counted).
        skipped_steps: the steps skipped so far, counted across all
            ``train_step`` calls of this trainer (never reset).

    Args:
        state_dict: the initial weights, keys as ``TinyMLP``'s.
        d_in, d_hidden, d_out: the ``TinyMLP``'s sizes.
        loss: ``"cross_entropy"`` or ``"mse"`` (see ``batch_loss``).
        optimizer: ``"sgd"`` or ``"adamw"``.
        lr, momentum, weight_decay: the optimiser's settings.
        micro_batch_size: the micro-batch size for ``accumulate_gradients``;
            ``None``: the whole batch in one pass.
        max_grad_norm: clip the gradients' global 2-norm to this value with
            your ``clip_grad_norm`` before each step; ``None``: no clipping.

    Raises:
        ValueError: if ``loss`` or ``optimizer`` is not one of the names,
            ``micro_batch_size`` is neither ``None`` nor ``>= 1``, or
            ``max_grad_norm`` is neither ``None`` nor ``>= 0``.
    """

    def __init__(
        self,
        state_dict: dict[str, torch.Tensor],
        *,
        d_in: int,
        d_hidden: int,
        d_out: int,
        loss: str = "cross_entropy",
        optimizer: str = "sgd",
        lr: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        micro_batch_size: int | None = None,
        max_grad_norm: float | None = None,
    ) -> None:
        raise NotImplementedError("TODO: __init__: build the model and the optimizer as the class docstring says")

    def train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
        """One optimiser step on one batch (or a skipped step).

        1. ``model.train()``; ``loss, grads = accumulate_gradients(model,
           inputs, targets, micro_batch_size or len(inputs), loss)`` with
           the ``micro_batch_size`` and ``loss`` given at construction.
        2. ``norm = grad_norm`` of the gradients (2-norm, before clipping).
        3. If the loss or any gradient entry is inf or nan, the step is
           **skipped**: no clipping, no ``optimizer.step()`` (parameters and
           optimiser state stay exactly as they were), the gradients are
           cleared (every ``.grad`` set to ``None``), ``skipped_steps += 1``.
           Both are checked: a finite loss does not prove finite gradients.
        4. Otherwise: if ``max_grad_norm`` is not None, the gradients are
           replaced by ``clip_grad_norm(grads, max_grad_norm)``'s (written
           back into each parameter's ``.grad``); ``optimizer.step()``;
           ``step += 1``. The (clipped) gradients stay in ``.grad``.

        Args:
            inputs, targets: one batch, as ``accumulate_gradients`` takes.

        Returns:
            ``{"loss": the batch's mean loss before the update (float),
            "grad_norm": the 2-norm of step 2 (float; inf or nan possible),
            "skipped": whether the step was skipped (bool)}``.
        """
        raise NotImplementedError("TODO: train_step: accumulate, check for inf/nan, clip, step")

    def gradients(self) -> dict[str, torch.Tensor | None]:
        """A copy of every parameter's current ``.grad``, by name (``None`` where there is none)."""
        raise NotImplementedError("TODO: gradients: copies of each parameter .grad by name")

    def state_dict(self) -> dict[str, torch.Tensor]:
        """A copy of the model's current weights, keyed as ``TinyMLP``'s ``state_dict``."""
        raise NotImplementedError("TODO: state_dict: copies of the model weights")
