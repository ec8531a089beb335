"""Lab 42: batch size, learning-rate scaling, LAMB and the gradient noise scale.

Four pieces, each checked against its formula:

* **learning-rate scaling**: :func:`scale_lr`, the linear rule (Goyal et al.
  2017) and the square-root rule (Krizhevsky 2014; Hoffer et al. 2017);
* **LAMB** (You et al. 2019, "Large Batch Optimization for Deep Learning"):
  :func:`lamb_step`, one step as a pure function of ``(params, grads,
  state)``, and the class :class:`LAMB` that keeps the state between steps
  and accepts parameter groups (e.g. one group without weight decay);
* **the gradient noise scale** (McCandlish et al. 2018, "An Empirical Model
  of Large-Batch Training", appendix A): :func:`noise_scale_from_norms`
  (the unbiased estimates from two squared gradient norms),
  :func:`mean_sq_grad_norm` and :func:`gradient_noise_scale` (the same from
  per-example gradients) and :func:`ema_noise_scale` (the smoothed estimate
  over training steps);
* **throughput**: :func:`measure_throughput` trains a tiny MLP for a few
  steps at several batch sizes and reports samples per second.

Conventions
-----------
* The optimiser functions never modify their arguments: they return new
  tensors and a new state dict.
* Norms are Euclidean (2-) norms; "the norm of a tensor" treats the tensor
  as one flat vector.

What you may use: any torch tensor operation and ``torch.nn``. LAMB is
yours to write from tensor operations. Do not construct ``torch.optim``
optimisers in :func:`measure_throughput`: the first one built in a process
imports ``torch._dynamo``, which takes seconds (write the SGD step
yourself, it is one line).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

RULES = ("linear", "sqrt")


# ---- learning-rate scaling ------------------------------------------------------------------------


def scale_lr(base_lr: float, base_batch: int, new_batch: int, rule: str = "linear") -> float:
    """The learning rate for ``new_batch`` given one that works at ``base_batch``.

    * ``rule="linear"``: ``base_lr * new_batch / base_batch`` (k times the
      batch, k times the learning rate);
    * ``rule="sqrt"``: ``base_lr * sqrt(new_batch / base_batch)`` (k times
      the batch, sqrt(k) times the learning rate: keeps the variance of the
      SGD update per example constant).

    Both rules give ``base_lr`` back when ``new_batch == base_batch``, scale
    up for a larger batch and down for a smaller one; ``base_lr = 0`` gives
    ``0.0``.

    Args:
        base_lr: ``>= 0`` (an int or a float).
        base_batch, new_batch: batch sizes, ints ``>= 1`` (``bool`` is not
            accepted).
        rule: ``"linear"`` or ``"sqrt"`` (exactly these strings).

    Returns:
        The new learning rate as a Python float.

    Raises:
        TypeError: if ``base_batch`` or ``new_batch`` is not an int (or is a
            bool).
        ValueError: for a negative ``base_lr``, a batch size below 1 or an
            unknown ``rule``.
    """
    raise NotImplementedError("TODO: scale_lr: base_lr * (new/base) or base_lr * sqrt(new/base), after the checks")


# ---- LAMB -----------------------------------------------------------------------------------------


def lamb_step(
    params: Sequence[torch.Tensor],
    grads: Sequence[torch.Tensor],
    state: dict,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-6,
    weight_decay: float = 0.01,
) -> tuple[list[torch.Tensor], dict]:
    """One step of LAMB (You et al. 2019, algorithm 2), layer = parameter tensor.

    With ``t`` the number of this step (1 on the first call) and, for each
    parameter tensor ``w`` with gradient ``g`` **separately**:

    1. ``m = beta1 * m + (1 - beta1) * g`` and ``v = beta2 * v + (1 - beta2)
       * g * g`` (both start at zeros);
    2. bias correction: ``m_hat = m / (1 - beta1**t)``, ``v_hat = v / (1 -
       beta2**t)``;
    3. the update direction ``r = m_hat / (sqrt(v_hat) + eps) + weight_decay
       * w`` (Adam's direction plus decoupled weight decay; ``eps`` outside
       the square root);
    4. the trust ratio ``q = ||w|| / ||r||`` with Euclidean norms of this
       one tensor (``w`` before the step, ``r`` **including** the weight
       decay term); ``phi`` is the identity, no clamping. If ``||w|| == 0``
       or ``||r|| == 0``, ``q = 1``;
    5. ``w = w - lr * q * r``.

    The size of each tensor's step is therefore ``lr * ||w||`` whatever the
    size of its gradient: the step is relative to the weights.

    Args:
        params, grads: aligned lists of float tensors of equal shapes (one
            dtype throughout: float32 or float64; any shapes, 0-d included).
        state: ``{}`` before the first step, then the dict the previous call
            returned.
        lr, eps, weight_decay: ``>= 0``.
        betas: ``(beta1, beta2)``, each in ``[0, 1)``.

    Returns:
        ``(new_params, new_state)``: a list of new tensors (same shapes and
        dtypes) and ``{"step": t, "exp_avg": [m per parameter],
        "exp_avg_sq": [v per parameter], "trust_ratio": [q per parameter]}``
        (``t`` a Python int, each ``q`` a Python float: the ratio used in
        this step). The arguments (tensors and ``state``) are not modified.

    Raises:
        ValueError: for a negative ``lr``, ``eps`` or ``weight_decay``, a
            beta outside ``[0, 1)``, or ``params`` and ``grads`` of different
            lengths or shapes.
    """
    raise NotImplementedError("TODO: lamb_step: Adam moments, bias correction, r = adam direction + wd * w, per-tensor trust ratio ||w|| / ||r||")


class LAMB:
    """LAMB that keeps its moments and step count between calls of :meth:`step`.

    ``params`` is either a list of tensors (one group) or a list of
    parameter groups, dicts ``{"params": [tensors], ...}`` whose other keys
    (any of ``lr``, ``betas``, ``eps``, ``weight_decay``) override the
    constructor's values for that group, as in ``torch.optim``. The usual
    use is a group of matrices with weight decay and a group of biases and
    norm gains with ``"weight_decay": 0.0``. The optimiser keeps its own
    copies of the tensors (the arguments are not modified) and one state
    per group; each group counts its own steps.

    Raises ``ValueError`` for an empty ``params``, a group without
    ``"params"`` or with another key, and for any group's hyperparameters
    that :func:`lamb_step` refuses.
    """

    def __init__(
        self,
        params: Sequence[torch.Tensor] | Sequence[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-6,
        weight_decay: float = 0.01,
    ) -> None:
        """Copy the parameters into groups with every hyperparameter filled in (see the class docstring)."""
        raise NotImplementedError("TODO: LAMB.__init__: build the parameter groups (copies) and one empty state per group")

    def step(self, grads: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """One :func:`lamb_step` per group, with the state that group's previous step left.

        Args:
            grads: one gradient per parameter, in the order of the groups
                and, inside each group, of its ``"params"``.

        Returns:
            The updated parameters in the same order (new tensors).

        Raises:
            ValueError: for a wrong number of gradients or a wrong shape.
        """
        raise NotImplementedError("TODO: LAMB.step: one lamb_step per group with that group's state")

    def trust_ratios(self) -> list[float]:
        """The trust ratio each parameter used in the last :meth:`step`, in parameter order.

        Before the first step every ratio is ``1.0``.
        """
        raise NotImplementedError("TODO: LAMB.trust_ratios: the ratios of the last step (1.0 before the first)")


# ---- gradient noise scale -------------------------------------------------------------------------


def noise_scale_from_norms(g_small_sq: float, g_big_sq: float, b_small: int, b_big: int) -> dict:
    """Unbiased estimates of ``|G|^2`` and ``tr(Sigma)``, and ``B_simple`` (McCandlish et al., app. A).

    ``g_small_sq`` and ``g_big_sq`` are ``|G_B|^2``, the squared norms of the
    mean gradient over a batch of ``b_small`` and of ``b_big`` examples. As
    ``E|G_B|^2 = |G|^2 + tr(Sigma) / B``, two batch sizes give

    * ``grad_sq = (b_big * g_big_sq - b_small * g_small_sq) / (b_big - b_small)``,
    * ``trace = (g_small_sq - g_big_sq) / (1 / b_small - 1 / b_big)``,
    * ``b_simple = trace / grad_sq``,

    each unbiased except the ratio. Noisy measurements can make ``grad_sq``
    zero or negative: then ``b_simple`` is ``math.inf`` (no signal
    measurable above the noise). ``trace`` may be negative too; it is
    returned as it is.

    Args:
        g_small_sq, g_big_sq: floats ``>= 0``.
        b_small, b_big: ints with ``1 <= b_small < b_big``.

    Returns:
        ``{"grad_sq": float, "trace": float, "b_simple": float}`` (Python floats).

    Raises:
        TypeError: if a batch size is not an int (or is a bool).
        ValueError: for a negative squared norm, a batch size below 1 or
            ``b_small >= b_big``.
    """
    raise NotImplementedError("TODO: noise_scale_from_norms: the two unbiased estimates and their ratio")


def mean_sq_grad_norm(per_example_grads: torch.Tensor, batch_size: int) -> float:
    """The average of ``|G_B|^2`` over consecutive batches of ``batch_size`` rows.

    Row ``i`` of ``per_example_grads`` (shape ``(N, D)``) is example ``i``'s
    gradient. The rows are cut into ``N // batch_size`` consecutive batches
    (rows ``0 .. B-1``, ``B .. 2B-1``, ...); for each batch the mean of its
    rows is taken and its squared Euclidean norm; the result is the mean of
    those squared norms. Computed in float64 whatever the input's float dtype.

    Args:
        per_example_grads: a 2-D float tensor ``(N, D)``.
        batch_size: an int, ``1 <= batch_size``, dividing ``N`` exactly.

    Returns:
        A Python float.

    Raises:
        TypeError: if ``batch_size`` is not an int (or is a bool).
        ValueError: if the tensor is not 2-D or has no rows, ``batch_size <
            1``, or ``N`` is not a multiple of ``batch_size``.
    """
    raise NotImplementedError("TODO: mean_sq_grad_norm: batch means of consecutive rows, squared norms, their mean (float64)")


def gradient_noise_scale(per_example_grads: torch.Tensor, b_small: int, b_big: int) -> dict:
    """:func:`noise_scale_from_norms` with both squared norms measured by :func:`mean_sq_grad_norm`.

    The same ``N`` rows are used for both batch sizes (``N`` a multiple of
    both). The result is :func:`noise_scale_from_norms`'s dict plus
    ``"g_small_sq"`` and ``"g_big_sq"``, the two measured averages.

    Raises:
        TypeError, ValueError: as :func:`noise_scale_from_norms` and
            :func:`mean_sq_grad_norm` (``N`` must be a multiple of both
            batch sizes).
    """
    raise NotImplementedError("TODO: gradient_noise_scale: mean_sq_grad_norm at both sizes, then noise_scale_from_norms")


def ema_noise_scale(
    g_small_sq: Sequence[float],
    g_big_sq: Sequence[float],
    b_small: int,
    b_big: int,
    beta: float = 0.9,
) -> list[dict]:
    """``B_simple`` smoothed over training steps: the ratio of two moving averages.

    At step ``t`` (1, 2, ...) the unbiased estimates ``grad_sq_t`` and
    ``trace_t`` of :func:`noise_scale_from_norms` (from ``g_small_sq[t-1]``
    and ``g_big_sq[t-1]``) enter two exponential moving averages that start
    at 0 and are bias-corrected as in Adam:

    ``ema = beta * ema + (1 - beta) * x``, ``ema_hat = ema / (1 - beta**t)``.

    The ``b_simple`` of step ``t`` is ``trace_hat / grad_sq_hat`` (the ratio
    of the averages, **not** the average of per-step ratios, which is
    dominated by steps where ``grad_sq_t`` is near 0), or ``math.inf`` when
    ``grad_sq_hat <= 0``. (The bias correction cancels in the ratio but not
    in the two averages.) ``beta = 0`` gives the per-step estimates of
    :func:`noise_scale_from_norms`.

    Args:
        g_small_sq, g_big_sq: sequences of floats ``>= 0`` of equal length
            (may be empty).
        b_small, b_big: ints with ``1 <= b_small < b_big``.
        beta: in ``[0, 1)``.

    Returns:
        One dict per step: ``{"grad_sq": grad_sq_hat, "trace": trace_hat,
        "b_simple": the ratio}`` (Python floats).

    Raises:
        TypeError: if a batch size is not an int (or is a bool).
        ValueError: for sequences of different lengths, ``beta`` outside
            ``[0, 1)``, and whatever :func:`noise_scale_from_norms` refuses.
    """
    raise NotImplementedError("TODO: ema_noise_scale: bias-corrected EMAs of both estimates, then their ratio")


# ---- throughput -----------------------------------------------------------------------------------


def make_mlp(d_in: int, d_hidden: int, d_out: int, seed: int) -> nn.Module:
    """The tiny model of :func:`measure_throughput` (given, do not change).

    ``torch.manual_seed(seed)``, then ``nn.Sequential(nn.Linear(d_in,
    d_hidden), nn.Tanh(), nn.Linear(d_hidden, d_out))`` in float32.
    """
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d_in, d_hidden), nn.Tanh(), nn.Linear(d_hidden, d_out))


def measure_throughput(
    batch_sizes: Sequence[int],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    d_hidden: int = 32,
    lr: float = 0.01,
    base_batch: int = 1,
    rule: str | None = "linear",
    warmup: int = 2,
    repeats: int = 5,
    seed: int = 0,
) -> list[dict]:
    """Samples per second of a training step of a tiny MLP, for each batch size.

    For each ``B`` in ``batch_sizes``, in order, and from scratch each time:

    1. the model is ``make_mlp(d_in, d_hidden, d_out, seed)`` (``d_in`` and
       ``d_out`` from the widths of ``inputs`` and ``targets``) and the
       learning rate ``scale_lr(lr, base_batch, B, rule)``, or ``lr``
       itself when ``rule is None``;
    2. it runs ``warmup + repeats`` training steps; step ``k`` (0-based)
       uses rows ``k * B`` to ``(k + 1) * B - 1`` of ``inputs`` and
       ``targets``: clear the gradients, forward, the mean squared error
       (``F.mse_loss``), backward, then plain SGD, ``p -= lr * p.grad`` for
       every parameter under ``torch.no_grad()`` (no momentum, no weight
       decay: what ``torch.optim.SGD`` computes);
    3. the first ``warmup`` steps are not timed (they pay for allocations
       and caches); each of the next ``repeats`` steps is timed on its own
       with ``time.perf_counter`` (the whole step, from clearing the
       gradients to the SGD update, included);
    4. ``seconds_per_step`` is the **median** of the ``repeats`` times and
       ``samples_per_s = B / seconds_per_step``.

    Args:
        batch_sizes: ints ``>= 1`` (repeats allowed; may be empty).
        inputs, targets: float32 tensors ``(N, d_in)`` and ``(N, d_out)``
            with ``N >= (warmup + repeats) * max(batch_sizes)``.
        d_hidden: the hidden width, ``>= 1``.
        lr: ``>= 0``, the learning rate at ``base_batch``.
        base_batch: int ``>= 1``.
        rule: ``"linear"``, ``"sqrt"`` or ``None`` (no scaling).
        warmup: ``>= 0``; repeats: ``>= 1``.
        seed: the model's seed.

    Returns:
        One dict per batch size, in the order of ``batch_sizes``:
        ``{"batch_size": B, "lr": the learning rate used (float),
        "losses": [the loss of every step, warm-up steps first, as Python
        floats: warmup + repeats of them], "step_times": [the repeats timed
        durations in seconds, floats > 0], "seconds_per_step": float,
        "samples_per_s": float}``.

    Raises:
        TypeError: if a batch size or ``base_batch`` is not an int (or is a
            bool).
        ValueError: for a batch size below 1, too few rows, ``inputs`` and
            ``targets`` with different numbers of rows or not 2-D,
            ``warmup < 0``, ``repeats < 1``, ``d_hidden < 1``, and whatever
            :func:`scale_lr` refuses.
    """
    raise NotImplementedError("TODO: measure_throughput: per batch size, fresh model, warm-up steps, timed steps, median")
