"""Lab 38: learning-rate schedules.

Every schedule is a pure function of the step: ``fn(step, ...)`` returns the
learning rate the optimiser uses at optimiser step ``step`` (0 for the first
update), i.e. the value that ``torch.optim.lr_scheduler`` puts in the
optimiser's param group after ``step`` calls of ``scheduler.step()``. A pure
function is easy to test, to plot and to resume from a checkpoint (nothing
but the step to save); torch's own schedulers wrap such functions in a
stateful object.

Conventions shared by every function below:

* ``step`` is a Python or NumPy integer ``>= 0``; a float step (``3.0``
  included) raises ``TypeError``, a negative one ``ValueError``.
* The other integer arguments (``step_size``, the ``milestones``,
  ``t_0``, ``t_mult``, ``warmup_steps``, ``total_steps``, ``timescale``,
  ``num_steps``) follow the same rule: ``TypeError`` unless an integer,
  ``ValueError`` when out of range.
* Learning rates and factors may be ints or floats; every schedule returns
  a Python ``float`` (not a NumPy scalar).
* Any other invalid argument raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def step_lr(step: int, base_lr: float, step_size: int, gamma: float = 0.1) -> float:
    """Step decay (``torch.optim.lr_scheduler.StepLR``).

    ``base_lr * gamma ** (step // step_size)``: the rate is multiplied by
    ``gamma`` at steps ``step_size``, ``2 * step_size``, ...

    Args:
        step: the step, an integer >= 0.
        base_lr: the initial learning rate, >= 0.
        step_size: the number of steps between two decays, an integer >= 1.
        gamma: the decay factor, > 0 (a value above 1 makes the rate grow).

    Returns:
        The learning rate at ``step`` (a float).

    Raises:
        TypeError: ``step`` or ``step_size`` is not an integer.
        ValueError: ``step < 0``, ``base_lr < 0``, ``step_size < 1`` or ``gamma <= 0``.
    """

    raise NotImplementedError("TODO: step decay")


def multistep_lr(step: int, base_lr: float, milestones: Sequence[int], gamma: float = 0.1) -> float:
    """Decay at given steps (``torch.optim.lr_scheduler.MultiStepLR``).

    ``base_lr * gamma ** k`` where ``k`` is the number of milestones ``<= step``
    (the rate changes *at* a milestone). The milestones may come in any
    order; a milestone listed twice counts twice, as in torch. An empty list
    gives a constant rate.

    Args:
        step: the step, an integer >= 0.
        base_lr: the initial learning rate, >= 0.
        milestones: a list or tuple of integers >= 0.
        gamma: the decay factor, > 0.

    Returns:
        The learning rate at ``step`` (a float).

    Raises:
        TypeError: ``step`` or a milestone is not an integer.
        ValueError: ``step < 0``, a milestone < 0, ``base_lr < 0`` or ``gamma <= 0``.
    """

    raise NotImplementedError("TODO: decay at milestones")


def exponential_lr(step: int, base_lr: float, gamma: float) -> float:
    """Exponential decay (``torch.optim.lr_scheduler.ExponentialLR``): ``base_lr * gamma ** step``.

    Args:
        step: the step, an integer >= 0 (step 0 gives ``base_lr``).
        base_lr: the initial learning rate, >= 0.
        gamma: the factor per step, > 0.

    Returns:
        The learning rate at ``step`` (a float; it may underflow to 0.0 for huge steps).

    Raises:
        TypeError: ``step`` is not an integer.
        ValueError: ``step < 0``, ``base_lr < 0`` or ``gamma <= 0``.
    """

    raise NotImplementedError("TODO: exponential decay")


def cosine_restarts_lr(step: int, base_lr: float, t_0: int, t_mult: int = 1, eta_min: float = 0.0) -> float:
    """Cosine annealing with warm restarts, SGDR (``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``).

    The steps are cut into cycles of lengths ``t_0, t_0 * t_mult,
    t_0 * t_mult ** 2, ...`` (the first cycle has length ``t_0``; ``t_mult``
    only stretches the later ones). Within a cycle of length ``T_i``, at
    position ``T_cur`` (0 at its first step)::

        lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    so every cycle starts at ``base_lr`` and the rate is reset to ``base_lr``
    at the first step of the next cycle (the value ``eta_min`` itself is never
    reached). Steps go on forever: there is no last step. Huge steps (e.g.
    ``10 ** 12``) must be answered without stepping through every cycle one
    step at a time.

    Args:
        step: the step, an integer >= 0.
        base_lr: the rate at the start of each cycle, >= 0.
        t_0: the length of the first cycle, an integer >= 1.
        t_mult: the growth factor of the cycle length, an integer >= 1.
        eta_min: the floor of the cosine, ``0 <= eta_min <= base_lr``.

    Returns:
        The learning rate at ``step`` (a float).

    Raises:
        TypeError: ``step``, ``t_0`` or ``t_mult`` is not an integer.
        ValueError: ``step < 0``, ``t_0 < 1``, ``t_mult < 1``, ``base_lr < 0``,
            ``eta_min < 0`` or ``eta_min > base_lr``.
    """

    raise NotImplementedError("TODO: cosine annealing with warm restarts")


def warmup_cosine_lr(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    num_cycles: float = 0.5,
    min_lr: float = 0.0,
) -> float:
    """Linear warmup, then cosine decay (``transformers.get_cosine_schedule_with_warmup``).

    During warmup (``step < warmup_steps``) the rate rises linearly from 0:
    ``base_lr * step / warmup_steps`` (0 at step 0; ``base_lr`` is first
    reached at step ``warmup_steps``). From there::

        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        lr = min_lr + (base_lr - min_lr) * (1 + cos(2 * pi * num_cycles * progress)) / 2

    With the default ``num_cycles=0.5`` the rate falls from ``base_lr`` at
    step ``warmup_steps`` to exactly ``min_lr`` at step ``total_steps``. This
    equals transformers' ``get_cosine_schedule_with_warmup`` (``min_lr=0``)
    and ``get_cosine_with_min_lr_schedule_with_warmup`` (with
    ``min_lr_rate = min_lr / base_lr``) at every step, and, with
    ``warmup_steps=0`` and ``num_cycles=0.5``, torch's
    ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)``. Steps past
    ``total_steps`` are allowed and follow the same formula, as in both
    libraries (with ``num_cycles=0.5`` the cosine climbs back up).

    Args:
        step: the step, an integer >= 0.
        base_lr: the peak rate, >= 0.
        warmup_steps: the length of the warmup, an integer ``0 <= warmup_steps <= total_steps``
            (0: no warmup, the decay starts at step 0).
        total_steps: the step at which the decay ends, an integer >= 1.
        num_cycles: the number of cosine periods over the decay, > 0 (0.5: a half period, down once).
        min_lr: the floor, ``0 <= min_lr <= base_lr``.

    Returns:
        The learning rate at ``step`` (a float).

    Raises:
        TypeError: ``step``, ``warmup_steps`` or ``total_steps`` is not an integer.
        ValueError: ``step < 0``, ``total_steps < 1``, ``warmup_steps < 0``,
            ``warmup_steps > total_steps``, ``base_lr < 0``, ``num_cycles <= 0``,
            ``min_lr < 0`` or ``min_lr > base_lr``.
    """

    raise NotImplementedError("TODO: linear warmup + cosine decay")


def inverse_sqrt_lr(step: int, base_lr: float, warmup_steps: int, timescale: int | None = None) -> float:
    """Linear warmup, then inverse-square-root decay (``transformers.get_inverse_sqrt_schedule``).

    During warmup (``step < warmup_steps``): ``base_lr * step / warmup_steps``.
    From step ``warmup_steps`` on::

        lr = base_lr / sqrt((step - warmup_steps + timescale) / timescale)

    so the rate is ``base_lr`` at step ``warmup_steps`` and then decays like
    ``1 / sqrt(step)``. ``timescale`` defaults to ``warmup_steps``, or to
    ``10_000`` when ``warmup_steps`` is 0 (transformers' defaults). With the
    default timescale and ``warmup_steps > 0`` this is the Transformer
    paper's (Noam) shape, ``base_lr * min(1, step / w) / sqrt(max(step, w) / w)``
    with ``w = warmup_steps``. Steps go on forever.

    Args:
        step: the step, an integer >= 0.
        base_lr: the peak rate, >= 0.
        warmup_steps: the length of the warmup, an integer >= 0 (0: no warmup).
        timescale: an integer >= 1, or None for the default above.

    Returns:
        The learning rate at ``step`` (a float).

    Raises:
        TypeError: ``step``, ``warmup_steps`` or ``timescale`` (when not None) is not an integer.
        ValueError: ``step < 0``, ``warmup_steps < 0``, ``timescale < 1`` or ``base_lr < 0``.
    """

    raise NotImplementedError("TODO: warmup + inverse square root")


def one_cycle_lr(
    step: int,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> float:
    """The one-cycle policy (``torch.optim.lr_scheduler.OneCycleLR``), learning rate.

    With ``initial = max_lr / div_factor`` and ``final = initial / final_div_factor``
    and ``p = pct_start * total_steps - 1`` (a float), the phases end at steps:

    * two phases (default): ``initial -> max_lr`` over ``[0, p]``,
      ``max_lr -> final`` over ``[p, total_steps - 1]``;
    * ``three_phase=True``: ``initial -> max_lr`` over ``[0, p]``,
      ``max_lr -> initial`` over ``[p, 2 * p]`` (i.e. up to
      ``2 * pct_start * total_steps - 2``), ``initial -> final`` over
      ``[2 * p, total_steps - 1]``.

    A step belongs to the first phase whose end it does not exceed (steps past
    the last end belong to the last phase). Within a phase running from
    ``start_step`` to ``end_step`` and from value ``a`` to ``b``, with
    ``pct = (step - start_step) / (end_step - start_step)``:

    * ``"cos"``: ``b + (a - b) / 2 * (cos(pi * pct) + 1)``;
    * ``"linear"``: ``(b - a) * pct + a``.

    As in torch, ``step == total_steps`` is still allowed (the last phase is
    continued one step past its end) and any later step raises ``ValueError``.

    Args:
        step: the step, an integer ``0 <= step <= total_steps``.
        max_lr: the peak rate, >= 0.
        total_steps: the number of steps of the cycle, an integer >= 1.
        pct_start: the fraction of the steps spent rising, so that every phase has a positive length:
            ``p > 0`` and ``p < total_steps - 1`` (two phases), ``p > 0`` and ``2 * p < total_steps - 1``
            (three phases); ``ValueError`` otherwise.
        anneal_strategy: ``"cos"`` or ``"linear"``.
        div_factor: ``max_lr / initial``, > 0.
        final_div_factor: ``initial / final``, > 0.
        three_phase: use the three phases above.

    Returns:
        The learning rate at ``step`` (a float).

    Raises:
        TypeError: ``step`` or ``total_steps`` is not an integer.
        ValueError: ``step < 0``, ``step > total_steps``, ``total_steps < 1``, an empty phase (see
            ``pct_start``), an unknown ``anneal_strategy``, ``max_lr < 0``, ``div_factor <= 0`` or
            ``final_div_factor <= 0``.
    """

    raise NotImplementedError("TODO: the one-cycle learning rate")


def one_cycle_momentum(
    step: int,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    three_phase: bool = False,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
) -> float:
    """The one-cycle policy's momentum (``OneCycleLR`` with ``cycle_momentum=True``).

    Same phases, steps and annealing as :func:`one_cycle_lr`, moving the
    other way: ``max_momentum -> base_momentum`` while the rate rises, then
    ``base_momentum -> max_momentum``; with ``three_phase=True`` the third
    phase stays at ``max_momentum``.

    Args:
        step: the step, an integer ``0 <= step <= total_steps``.
        total_steps, pct_start, anneal_strategy, three_phase: as in :func:`one_cycle_lr`.
        base_momentum: the lowest momentum, reached at the peak of the rate.
        max_momentum: the momentum at the start and the end, ``0 <= base_momentum <= max_momentum``.

    Returns:
        The momentum at ``step`` (a float).

    Raises:
        TypeError: ``step`` or ``total_steps`` is not an integer.
        ValueError: as in :func:`one_cycle_lr`, or unless ``0 <= base_momentum <= max_momentum``.
    """

    raise NotImplementedError("TODO: the one-cycle momentum")


def schedule_values(name: str, config: Mapping[str, Any], num_steps: int) -> list[float]:
    """The values of one schedule at steps ``0, 1, ..., num_steps - 1``.

    Args:
        name: which function: ``"step"`` (:func:`step_lr`), ``"multistep"``,
            ``"exponential"``, ``"cosine_restarts"``, ``"warmup_cosine"``,
            ``"inverse_sqrt"``, ``"one_cycle"`` or ``"one_cycle_momentum"``.
        config: the function's other arguments by name, e.g.
            ``{"base_lr": 0.1, "step_size": 30}`` for ``"step"`` (omitted ones take their defaults).
        num_steps: an integer >= 0 (0 gives ``[]``).

    Returns:
        A list of ``num_steps`` floats, ``[fn(0, **config), fn(1, **config), ...]``.

    Raises:
        ValueError: an unknown ``name``, ``num_steps < 0``, or whatever the schedule raises for
            ``config`` (e.g. ``"one_cycle"`` with ``num_steps > total_steps + 1``).
        TypeError: ``num_steps`` is not an integer, or ``config`` lacks a required argument or has
            one the schedule does not take.
    """

    raise NotImplementedError("TODO: one schedule at steps 0 .. num_steps - 1")


def plot_schedules(
    curves: Mapping[str, tuple[str, Mapping[str, Any]]], num_steps: int, path: str, log_scale: bool = False
) -> str:
    """Plot several schedules on one chart and save it as a PNG image.

    One line per entry of ``curves``, each in its own colour (matplotlib's
    default colour cycle does this), its label in a legend, the step
    (``0 .. num_steps - 1``) on the x axis and the value on the y axis
    (logarithmic when ``log_scale``), axis labels ``"step"`` and
    ``"learning rate"``. Use matplotlib without a display (``matplotlib.figure.Figure``
    or the ``"Agg"`` backend); the image is at least 400 x 300 pixels.

    Args:
        curves: ``{label: (name, config)}``, each ``(name, config)`` as in :func:`schedule_values`
            (a tuple or a list of two).
        num_steps: the number of steps plotted, an integer >= 1.
        path: where to write the PNG (a relative path is relative to the working directory).
        log_scale: a logarithmic y axis.

    Returns:
        ``path``, as a string.

    Raises:
        ValueError: ``curves`` is empty, ``num_steps < 1``, or :func:`schedule_values` raises it.
        TypeError: as :func:`schedule_values`.
    """

    raise NotImplementedError("TODO: plot the curves and save a PNG")
