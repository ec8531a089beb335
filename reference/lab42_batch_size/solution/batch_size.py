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


def _check_batch(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")


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
    _check_batch("base_batch", base_batch)
    _check_batch("new_batch", new_batch)
    if base_lr < 0:
        raise ValueError(f"base_lr must be >= 0, got {base_lr}")
    if rule == "linear":
        return float(base_lr * new_batch / base_batch)
    if rule == "sqrt":
        return float(base_lr * math.sqrt(new_batch / base_batch))
    raise ValueError(f"rule must be one of {RULES}, got {rule!r}")


# ---- LAMB -----------------------------------------------------------------------------------------


def _check_hyper(lr: float, betas: tuple[float, float], eps: float, weight_decay: float) -> None:
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0:
        raise ValueError("lr, eps and weight_decay must be >= 0")
    if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError(f"betas must lie in [0, 1), got {betas}")


def _check_lists(params: Sequence[torch.Tensor], grads: Sequence[torch.Tensor]) -> None:
    if len(params) != len(grads):
        raise ValueError(f"{len(params)} parameters but {len(grads)} gradients")
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.shape != g.shape:
            raise ValueError(f"parameter {i} has shape {tuple(p.shape)} but its gradient {tuple(g.shape)}")


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
    _check_hyper(lr, betas, eps, weight_decay)
    _check_lists(params, grads)
    beta1, beta2 = betas
    step = state.get("step", 0) + 1
    exp_avgs = state.get("exp_avg") or [torch.zeros_like(p) for p in params]
    exp_avg_sqs = state.get("exp_avg_sq") or [torch.zeros_like(p) for p in params]
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    new_params, new_m, new_v, ratios = [], [], [], []
    for w, g, m, v in zip(params, grads, exp_avgs, exp_avg_sqs):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        r = (m / bias_correction1) / ((v / bias_correction2).sqrt() + eps) + weight_decay * w
        w_norm = torch.linalg.vector_norm(w).item()
        r_norm = torch.linalg.vector_norm(r).item()
        ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
        new_params.append(w - (lr * ratio) * r)
        new_m.append(m)
        new_v.append(v)
        ratios.append(ratio)
    return new_params, {"step": step, "exp_avg": new_m, "exp_avg_sq": new_v, "trust_ratio": ratios}


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
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        params = list(params)
        if not params:
            raise ValueError("LAMB got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.param_groups: list[dict] = []
        for group in groups:
            if "params" not in group or not set(group) <= {"params", *defaults}:
                raise ValueError(f"a parameter group holds 'params' and hyperparameters only, got {sorted(group)}")
            hyper = {**defaults, **{k: v for k, v in group.items() if k != "params"}}
            _check_hyper(**hyper)
            self.param_groups.append({"params": [p.detach().clone() for p in group["params"]], **hyper})
        self._states: list[dict] = [{} for _ in self.param_groups]

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
        grads = list(grads)
        total = sum(len(group["params"]) for group in self.param_groups)
        if len(grads) != total:
            raise ValueError(f"expected {total} gradients (one per parameter), got {len(grads)}")
        start = 0
        for i, group in enumerate(self.param_groups):
            n = len(group["params"])
            hyper = {k: v for k, v in group.items() if k != "params"}
            group["params"], self._states[i] = lamb_step(group["params"], grads[start : start + n], self._states[i], **hyper)
            start += n
        return [p.clone() for group in self.param_groups for p in group["params"]]

    def trust_ratios(self) -> list[float]:
        """The trust ratio each parameter used in the last :meth:`step`, in parameter order.

        Before the first step every ratio is ``1.0``.
        """
        out = []
        for group, state in zip(self.param_groups, self._states):
            out.extend(state.get("trust_ratio", [1.0] * len(group["params"])))
        return out


# ---- gradient noise scale -------------------------------------------------------------------------


def _check_pair(b_small, b_big) -> None:
    _check_batch("b_small", b_small)
    _check_batch("b_big", b_big)
    if b_small >= b_big:
        raise ValueError(f"b_small must be smaller than b_big, got {b_small} and {b_big}")


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
    _check_pair(b_small, b_big)
    if g_small_sq < 0 or g_big_sq < 0:
        raise ValueError("squared norms must be >= 0")
    grad_sq = (b_big * g_big_sq - b_small * g_small_sq) / (b_big - b_small)
    trace = (g_small_sq - g_big_sq) / (1 / b_small - 1 / b_big)
    b_simple = trace / grad_sq if grad_sq > 0 else math.inf
    return {"grad_sq": float(grad_sq), "trace": float(trace), "b_simple": float(b_simple)}


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
    _check_batch("batch_size", batch_size)
    if per_example_grads.dim() != 2 or per_example_grads.shape[0] == 0:
        raise ValueError(f"expected a non-empty (N, D) tensor, got shape {tuple(per_example_grads.shape)}")
    n, d = per_example_grads.shape
    if n % batch_size != 0:
        raise ValueError(f"{n} rows do not split into batches of {batch_size}")
    means = per_example_grads.double().reshape(n // batch_size, batch_size, d).mean(dim=1)
    return float(means.pow(2).sum(dim=1).mean())


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
    _check_pair(b_small, b_big)
    g_small_sq = mean_sq_grad_norm(per_example_grads, b_small)
    g_big_sq = mean_sq_grad_norm(per_example_grads, b_big)
    return {**noise_scale_from_norms(g_small_sq, g_big_sq, b_small, b_big), "g_small_sq": g_small_sq, "g_big_sq": g_big_sq}


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
    _check_pair(b_small, b_big)
    if len(g_small_sq) != len(g_big_sq):
        raise ValueError("g_small_sq and g_big_sq must have the same length")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must lie in [0, 1), got {beta}")
    ema_g = ema_s = 0.0
    out = []
    for t, (small, big) in enumerate(zip(g_small_sq, g_big_sq), start=1):
        est = noise_scale_from_norms(small, big, b_small, b_big)
        ema_g = beta * ema_g + (1 - beta) * est["grad_sq"]
        ema_s = beta * ema_s + (1 - beta) * est["trace"]
        correction = 1 - beta**t
        grad_sq_hat, trace_hat = ema_g / correction, ema_s / correction
        b_simple = trace_hat / grad_sq_hat if grad_sq_hat > 0 else math.inf
        out.append({"grad_sq": float(grad_sq_hat), "trace": float(trace_hat), "b_simple": float(b_simple)})
    return out


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
    for b in batch_sizes:
        _check_batch("batch size", b)
    _check_batch("base_batch", base_batch)
    if inputs.dim() != 2 or targets.dim() != 2 or inputs.shape[0] != targets.shape[0]:
        raise ValueError("inputs and targets must be 2-D with the same number of rows")
    if warmup < 0 or repeats < 1 or d_hidden < 1:
        raise ValueError("warmup must be >= 0, repeats >= 1 and d_hidden >= 1")
    if lr < 0 or (rule is not None and rule not in RULES):
        raise ValueError(f"lr must be >= 0 and rule one of {RULES} or None, got {lr} and {rule!r}")
    steps = warmup + repeats
    if batch_sizes and inputs.shape[0] < steps * max(batch_sizes):
        raise ValueError(f"{inputs.shape[0]} rows are too few for {steps} steps of {max(batch_sizes)}")
    rows = []
    for b in batch_sizes:
        step_lr = float(lr) if rule is None else scale_lr(lr, base_batch, b, rule)
        model = make_mlp(inputs.shape[1], d_hidden, targets.shape[1], seed)
        params = list(model.parameters())
        losses, times = [], []
        for k in range(steps):
            x, y = inputs[k * b : (k + 1) * b], targets[k * b : (k + 1) * b]
            start = time.perf_counter()
            for p in params:
                p.grad = None
            loss = F.mse_loss(model(x), y)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= step_lr * p.grad
            elapsed = time.perf_counter() - start
            losses.append(loss.item())
            if k >= warmup:
                times.append(elapsed)
        median = statistics.median(times)
        rows.append({"batch_size": b, "lr": step_lr, "losses": losses, "step_times": times,
                     "seconds_per_step": median, "samples_per_s": b / median})
    return rows
