"""Hidden tests for lab 38 (learning-rate schedules).

Oracles, run here in the test process, compared at every step:

* ``torch.optim.lr_scheduler``: ``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
  ``CosineAnnealingWarmRestarts``, ``CosineAnnealingLR`` and ``OneCycleLR``
  (learning rate and momentum), stepped on an SGD optimiser;
* ``transformers``: ``get_cosine_schedule_with_warmup``,
  ``get_cosine_with_min_lr_schedule_with_warmup`` and ``get_inverse_sqrt_schedule``;
* closed formulas written out here for steps no scheduler can reach
  (10**9 and beyond) and for the Noam form of the inverse square root.

The student's functions are pure functions of the step: whole curves come
back through ``schedule_values`` (one call), single steps through ``lab.map``.
"""

from __future__ import annotations

import io
import math
import struct
import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as sched
from transformers import (
    get_cosine_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup,
    get_inverse_sqrt_schedule,
)

from autograder.testing import assert_close, check

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def torch_curve(make, n, base_lr=1.0, key="lr"):
    """The values of ``key`` in the param group at steps 0 .. n-1 of the scheduler ``make(optimizer)``."""
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=base_lr, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = make(optimizer)
        out = []
        for i in range(n):
            out.append(float(optimizer.param_groups[0][key]))
            if i < n - 1:
                optimizer.step()
                scheduler.step()
    return out


def same(got, expected, what, scale=1.0):
    """Every step within 1e-9 relative (plus a hair absolute, for values that reach 0)."""
    check(isinstance(got, list), f"{what}: schedule_values should return a list")
    check(len(got) == len(expected), f"{what}: {len(got)} values, expected {len(expected)}")
    assert_close(np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                 atol=1e-12 * scale, rtol=1e-9, what=what)


def curve(lab, name, config, n):
    return lab.schedule_values(name, config, n)


# ---- step decay, multistep, exponential -----------------------------------------------------------------------


@pytest.mark.points(5)
def test_step_lr_matches_steplr(lab):
    """step_lr equals torch's StepLR at every step (several step sizes and gammas, default gamma, int base_lr)."""
    for base_lr, step_size, gamma, n in [(0.1, 30, 0.1, 200), (1.0, 1, 0.5, 60), (0.5, 7, 0.9, 300),
                                         (2, 4, 1.5, 50), (0.3, 250, 0.2, 260)]:
        expected = torch_curve(lambda o: sched.StepLR(o, step_size, gamma), n, base_lr)
        got = curve(lab, "step", {"base_lr": base_lr, "step_size": step_size, "gamma": gamma}, n)
        same(got, expected, f"step_lr(base_lr={base_lr}, step_size={step_size}, gamma={gamma})", base_lr)
    expected = torch_curve(lambda o: sched.StepLR(o, 10), 45, 0.4)
    same(curve(lab, "step", {"base_lr": 0.4, "step_size": 10}, 45), expected, "step_lr with the default gamma", 0.4)
    got = lab.map(lab.step_lr, [(s, 0.1, 30, 0.1) for s in range(200)])
    same(got, torch_curve(lambda o: sched.StepLR(o, 30, 0.1), 200, 0.1), "step_lr called step by step", 0.1)


@pytest.mark.points(3)
def test_step_lr_boundaries_and_large_steps(lab):
    """step_lr changes exactly at multiples of step_size; huge and NumPy steps work."""
    got = lab.map(lab.step_lr, [(s, 1.0, 5, 0.5) for s in (0, 4, 5, 9, 10, 14, 15)])
    assert_close(got, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125], atol=0, rtol=1e-12,
                 what="step_lr(step, 1.0, 5, 0.5) around the decay steps")
    for step in (10**9, 10**9 - 1, 123_456_789_012):
        assert_close(lab.step_lr(step, 0.7, 1000, 0.999), 0.7 * 0.999 ** (step // 1000), atol=0, rtol=1e-9,
                     what=f"step_lr at step {step}")
    assert_close(lab.step_lr(np.int64(12), 1.0, 5, 0.5), 0.25, atol=0, rtol=1e-12, what="step_lr with a NumPy step")


@pytest.mark.points(4)
def test_multistep_lr_matches_torch(lab):
    """multistep_lr equals torch's MultiStepLR: sorted, unsorted, repeated, empty milestones and milestone 0."""
    for base_lr, milestones, gamma in [(0.1, [30, 80], 0.1), (1.0, [5, 10, 15, 40], 0.5), (0.2, [50, 10, 25], 0.3),
                                       (1.0, [20, 20, 60], 0.5), (0.5, [], 0.1), (1.0, [0, 3], 0.5), (3, [7], 2)]:
        expected = torch_curve(lambda o: sched.MultiStepLR(o, milestones, gamma), 120, base_lr)
        got = curve(lab, "multistep", {"base_lr": base_lr, "milestones": milestones, "gamma": gamma}, 120)
        same(got, expected, f"multistep_lr(milestones={milestones}, gamma={gamma})", base_lr)
    expected = torch_curve(lambda o: sched.MultiStepLR(o, (4, 9)), 15, 1.0)
    same(curve(lab, "multistep", {"base_lr": 1.0, "milestones": (4, 9)}, 15), expected,
         "multistep_lr with a tuple of milestones and the default gamma")


@pytest.mark.points(4)
def test_exponential_lr_matches_torch(lab):
    """exponential_lr equals torch's ExponentialLR at every step (step 0 is base_lr), and at huge steps."""
    for base_lr, gamma, n in [(0.1, 0.99, 500), (1.0, 0.5, 80), (3e-4, 0.999, 400), (1, 1.01, 100)]:
        expected = torch_curve(lambda o: sched.ExponentialLR(o, gamma), n, base_lr)
        got = curve(lab, "exponential", {"base_lr": base_lr, "gamma": gamma}, n)
        same(got, expected, f"exponential_lr(base_lr={base_lr}, gamma={gamma})", base_lr)
    for step in (10**6, 10**9):
        assert_close(lab.exponential_lr(step, 0.5, 1 - 1e-7), 0.5 * (1 - 1e-7) ** step, atol=1e-300, rtol=1e-9,
                     what=f"exponential_lr at step {step}")


# ---- cosine with warm restarts ---------------------------------------------------------------------------------


def restarts(step, base_lr, t_0, t_mult, eta_min):
    """SGDR by integer arithmetic: the cycle a step is in, and where in it."""
    t_cur, t_i = step, t_0
    if t_mult == 1:
        t_cur %= t_0
    while t_cur >= t_i:
        t_cur, t_i = t_cur - t_i, t_i * t_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


@pytest.mark.points(5)
def test_cosine_restarts_t_mult_1(lab):
    """cosine_restarts_lr with t_mult=1 equals torch's CosineAnnealingWarmRestarts (eta_min 0 and > 0)."""
    for base_lr, t_0, eta_min in [(0.1, 50, 0.0), (1.0, 7, 0.1), (0.01, 1, 0.0), (1.0, 2, 0.0), (0.5, 100, 1e-3)]:
        expected = torch_curve(lambda o: sched.CosineAnnealingWarmRestarts(o, t_0, 1, eta_min), 400, base_lr)
        got = curve(lab, "cosine_restarts", {"base_lr": base_lr, "t_0": t_0, "t_mult": 1, "eta_min": eta_min}, 400)
        same(got, expected, f"cosine_restarts_lr(t_0={t_0}, t_mult=1, eta_min={eta_min})", base_lr)
    expected = torch_curve(lambda o: sched.CosineAnnealingWarmRestarts(o, 10), 60, 0.2)
    same(curve(lab, "cosine_restarts", {"base_lr": 0.2, "t_0": 10}, 60), expected,
         "cosine_restarts_lr with the default t_mult and eta_min", 0.2)


@pytest.mark.points(6)
def test_cosine_restarts_t_mult_above_1(lab):
    """cosine_restarts_lr with t_mult 2 and 3 equals torch over many cycles (the first cycle has length t_0)."""
    for base_lr, t_0, t_mult, eta_min in [(0.1, 10, 2, 0.0), (1.0, 1, 2, 0.0), (1.0, 3, 3, 0.05),
                                          (0.3, 5, 2, 0.01), (1.0, 2, 4, 0.0), (1, 1, 3, 0)]:
        expected = torch_curve(lambda o: sched.CosineAnnealingWarmRestarts(o, t_0, t_mult, eta_min), 1000, base_lr)
        config = {"base_lr": base_lr, "t_0": t_0, "t_mult": t_mult, "eta_min": eta_min}
        same(curve(lab, "cosine_restarts", config, 1000), expected,
             f"cosine_restarts_lr(t_0={t_0}, t_mult={t_mult}, eta_min={eta_min})", base_lr)


@pytest.mark.points(3)
def test_cosine_restarts_large_steps(lab):
    """cosine_restarts_lr answers steps like 10**12 (t_mult 1) and 10**15 (t_mult 2) quickly and exactly."""
    cases = []
    for t_0, t_mult in [(7, 1), (1000, 1), (3, 2), (10, 3), (1, 2)]:
        for step in (10**12, 10**12 + 5, 10**15 - 1, 3 * 10**14 + 17):
            cases.append((step, 1.0, t_0, t_mult, 0.01))
    for t_0, t_mult in [(10, 2), (3, 3)]:   # the first steps of late cycles, and the last ones
        start = t_0 * (t_mult**12 - 1) // (t_mult - 1)
        cases += [(s, 1.0, t_0, t_mult, 0.01) for s in (start - 1, start, start + 1)]
    got = lab.map(lab.cosine_restarts_lr, cases)
    assert_close(got, [restarts(*c) for c in cases], atol=1e-12, rtol=1e-9, what="cosine_restarts_lr at huge steps")


# ---- warmup + cosine --------------------------------------------------------------------------------------------


@pytest.mark.points(6)
def test_warmup_cosine_matches_transformers(lab):
    """warmup_cosine_lr equals transformers' get_cosine_schedule_with_warmup at every step, past total_steps too."""
    for base_lr, warmup, total, cycles in [(3e-4, 10, 100, 0.5), (1.0, 0, 50, 0.5), (0.1, 25, 300, 0.5),
                                           (1.0, 1, 7, 0.5), (1.0, 20, 220, 1.5), (0.5, 5, 105, 0.25),
                                           (2, 3, 40, 2)]:
        n = total + 40
        expected = torch_curve(lambda o: get_cosine_schedule_with_warmup(o, warmup, total, cycles), n, base_lr)
        config = {"base_lr": base_lr, "warmup_steps": warmup, "total_steps": total, "num_cycles": cycles}
        same(curve(lab, "warmup_cosine", config, n), expected,
             f"warmup_cosine_lr(warmup_steps={warmup}, total_steps={total}, num_cycles={cycles})", base_lr)
    expected = torch_curve(lambda o: get_cosine_schedule_with_warmup(o, 8, 64), 64, 0.01)
    same(curve(lab, "warmup_cosine", {"base_lr": 0.01, "warmup_steps": 8, "total_steps": 64}, 64), expected,
         "warmup_cosine_lr with the default num_cycles and min_lr", 0.01)


@pytest.mark.points(4)
def test_warmup_cosine_min_lr(lab):
    """warmup_cosine_lr with min_lr equals transformers' min-lr schedule and torch's CosineAnnealingLR(eta_min)."""
    for base_lr, warmup, total, min_lr, cycles in [(1.0, 10, 110, 0.1, 0.5), (3e-4, 0, 80, 3e-5, 0.5),
                                                   (0.1, 30, 200, 0.05, 1.0), (0.2, 4, 20, 0.2, 0.5)]:
        n = total + 25
        expected = torch_curve(lambda o: get_cosine_with_min_lr_schedule_with_warmup(
            o, warmup, total, cycles, min_lr_rate=min_lr / base_lr), n, base_lr)
        config = {"base_lr": base_lr, "warmup_steps": warmup, "total_steps": total, "num_cycles": cycles,
                  "min_lr": min_lr}
        same(curve(lab, "warmup_cosine", config, n), expected,
             f"warmup_cosine_lr(warmup_steps={warmup}, total_steps={total}, min_lr={min_lr})", base_lr)
    for base_lr, total, eta_min in [(0.1, 100, 0.0), (1.0, 37, 0.25), (0.05, 1, 0.01)]:
        n = 3 * total + 3
        expected = torch_curve(lambda o: sched.CosineAnnealingLR(o, total, eta_min), n, base_lr)
        config = {"base_lr": base_lr, "warmup_steps": 0, "total_steps": total, "min_lr": eta_min}
        same(curve(lab, "warmup_cosine", config, n), expected,
             f"warmup_cosine_lr without warmup vs CosineAnnealingLR(T_max={total}, eta_min={eta_min})", base_lr)


@pytest.mark.points(4)
def test_warmup_cosine_named_steps(lab):
    """warmup_cosine_lr is 0 at step 0, base_lr at step warmup_steps, min_lr at step total_steps; warmup == total works."""
    args = [(0, 0.5, 10, 110, 0.5, 0.05), (1, 0.5, 10, 110, 0.5, 0.05), (9, 0.5, 10, 110, 0.5, 0.05),
            (10, 0.5, 10, 110, 0.5, 0.05), (11, 0.5, 10, 110, 0.5, 0.05), (110, 0.5, 10, 110, 0.5, 0.05),
            (109, 0.5, 10, 110, 0.5, 0.05)]
    got = lab.map(lab.warmup_cosine_lr, args)
    expected = [0.0, 0.05, 0.45, 0.5, 0.05 + 0.45 * (1 + math.cos(math.pi / 100)) / 2, 0.05,
                0.05 + 0.45 * (1 + math.cos(math.pi * 99 / 100)) / 2]
    assert_close(got, expected, atol=1e-15, rtol=1e-12,
                 what="warmup_cosine_lr at steps 0, 1, 9, 10, 11, 110, 109 (warmup 10, total 110, min_lr 0.05)")
    for warmup, total in [(12, 12), (5, 6), (1, 1)]:
        n = total + 6
        expected = torch_curve(lambda o: get_cosine_schedule_with_warmup(o, warmup, total), n, 1.0)
        config = {"base_lr": 1.0, "warmup_steps": warmup, "total_steps": total}
        same(curve(lab, "warmup_cosine", config, n), expected,
             f"warmup_cosine_lr(warmup_steps={warmup}, total_steps={total})")
    big = 10**9
    assert_close(lab.warmup_cosine_lr(big // 2 + 1000, 1.0, 1000, big + 1000), 0.5, atol=1e-9, rtol=0,
                 what="warmup_cosine_lr half way through a 10**9-step decay")


# ---- inverse square root ----------------------------------------------------------------------------------------


@pytest.mark.points(6)
def test_inverse_sqrt_matches_transformers(lab):
    """inverse_sqrt_lr equals transformers' get_inverse_sqrt_schedule (no warmup, default and explicit timescale)."""
    for base_lr, warmup, timescale in [(1e-3, 100, None), (1.0, 0, None), (0.5, 40, 10), (1.0, 7, 300),
                                       (2, 1, None), (0.1, 0, 50)]:
        expected = torch_curve(lambda o: get_inverse_sqrt_schedule(o, warmup, timescale), 1000, base_lr)
        config = {"base_lr": base_lr, "warmup_steps": warmup}
        if timescale is not None:
            config["timescale"] = timescale
        same(curve(lab, "inverse_sqrt", config, 1000), expected,
             f"inverse_sqrt_lr(warmup_steps={warmup}, timescale={timescale})", base_lr)
    config = {"base_lr": 1.0, "warmup_steps": 30, "timescale": None}
    expected = torch_curve(lambda o: get_inverse_sqrt_schedule(o, 30), 100, 1.0)
    same(curve(lab, "inverse_sqrt", config, 100), expected, "inverse_sqrt_lr with timescale=None")


@pytest.mark.points(3)
def test_inverse_sqrt_noam_form(lab):
    """inverse_sqrt_lr with the default timescale is base_lr * min(1, s/w) / sqrt(max(s, w)/w), up to huge steps."""
    def noam(step, base_lr, w):
        return base_lr * min(1.0, step / w) / math.sqrt(max(step, w) / w)

    steps = list(range(0, 300)) + [10**6, 10**9, 10**12 + 3]
    for base_lr, w in [(1.0, 50), (0.3, 4000), (1e-3, 1)]:
        got = lab.map(lab.inverse_sqrt_lr, [(s, base_lr, w) for s in steps])
        assert_close(got, [noam(s, base_lr, w) for s in steps], atol=1e-15, rtol=1e-9,
                     what=f"inverse_sqrt_lr with warmup_steps={w}")


# ---- one-cycle ----------------------------------------------------------------------------------------------------


def one_cycle_torch(n, key="lr", **kwargs):
    return torch_curve(lambda o: sched.OneCycleLR(o, **kwargs), n, key=key)


ONE_CYCLE = [  # max_lr, total_steps, pct_start, div_factor, final_div_factor
    (0.1, 100, 0.3, 25.0, 1e4), (1.0, 250, 0.25, 10.0, 100.0), (0.01, 37, 0.4, 5.0, 1e3),
    (1.0, 10, 0.3, 25.0, 1e4), (2.0, 401, 0.1, 2.0, 7.0), (1, 64, 0.45, 4, 10),
]


@pytest.mark.points(6)
def test_one_cycle_cos(lab):
    """one_cycle_lr with cosine annealing equals torch's OneCycleLR at every step, step total_steps included."""
    for max_lr, total, pct, div, final_div in ONE_CYCLE:
        expected = one_cycle_torch(total + 1, max_lr=max_lr, total_steps=total, pct_start=pct, div_factor=div,
                                   final_div_factor=final_div)
        config = {"max_lr": max_lr, "total_steps": total, "pct_start": pct, "anneal_strategy": "cos",
                  "div_factor": div, "final_div_factor": final_div}
        same(curve(lab, "one_cycle", config, total + 1), expected,
             f"one_cycle_lr(total_steps={total}, pct_start={pct}, div_factor={div}, final_div_factor={final_div})",
             max_lr)
    expected = one_cycle_torch(201, max_lr=0.5, total_steps=200)
    same(curve(lab, "one_cycle", {"max_lr": 0.5, "total_steps": 200}, 201), expected,
         "one_cycle_lr with every default", 0.5)
    cos = "".join(["co", "s"])   # equal to "cos", but not the same object as the literal
    got = lab.map(lab.one_cycle_lr, [(s, 0.1, 100, 0.3, cos) for s in range(101)])
    same(got, one_cycle_torch(101, max_lr=0.1, total_steps=100), "one_cycle_lr called step by step", 0.1)


@pytest.mark.points(5)
def test_one_cycle_linear(lab):
    """one_cycle_lr with linear annealing equals torch's OneCycleLR at every step."""
    for max_lr, total, pct, div, final_div in ONE_CYCLE:
        expected = one_cycle_torch(total + 1, max_lr=max_lr, total_steps=total, pct_start=pct, div_factor=div,
                                   final_div_factor=final_div, anneal_strategy="linear")
        config = {"max_lr": max_lr, "total_steps": total, "pct_start": pct, "anneal_strategy": "linear",
                  "div_factor": div, "final_div_factor": final_div}
        same(curve(lab, "one_cycle", config, total + 1), expected,
             f"linear one_cycle_lr(total_steps={total}, pct_start={pct}, div_factor={div})", max_lr)


@pytest.mark.points(5)
def test_one_cycle_three_phase(lab):
    """one_cycle_lr with three_phase=True equals torch's OneCycleLR (cos and linear)."""
    for strategy in ("cos", "linear"):
        for max_lr, total, pct, div, final_div in ONE_CYCLE[:3] + [(1.0, 30, 0.2, 8.0, 50.0), (1.0, 120, 0.49, 3, 5)]:
            expected = one_cycle_torch(total + 1, max_lr=max_lr, total_steps=total, pct_start=pct, div_factor=div,
                                       final_div_factor=final_div, anneal_strategy=strategy, three_phase=True)
            config = {"max_lr": max_lr, "total_steps": total, "pct_start": pct, "anneal_strategy": strategy,
                      "div_factor": div, "final_div_factor": final_div, "three_phase": True}
            same(curve(lab, "one_cycle", config, total + 1), expected,
                 f"three-phase {strategy} one_cycle_lr(total_steps={total}, pct_start={pct})", max_lr)


@pytest.mark.points(4)
def test_one_cycle_momentum(lab):
    """one_cycle_momentum equals torch's OneCycleLR momentum cycling (two and three phases, cos and linear)."""
    for strategy in ("cos", "linear"):
        for three_phase in (False, True):
            for total, pct, low, high in [(100, 0.3, 0.85, 0.95), (51, 0.2, 0.8, 0.99), (20, 0.25, 0.9, 0.9)]:
                expected = one_cycle_torch(total + 1, key="momentum", max_lr=1.0, total_steps=total, pct_start=pct,
                                           anneal_strategy=strategy, three_phase=three_phase,
                                           base_momentum=low, max_momentum=high)
                config = {"total_steps": total, "pct_start": pct, "anneal_strategy": strategy,
                          "three_phase": three_phase, "base_momentum": low, "max_momentum": high}
                same(curve(lab, "one_cycle_momentum", config, total + 1), expected,
                     f"one_cycle_momentum(total_steps={total}, {strategy}, three_phase={three_phase})")
    expected = one_cycle_torch(81, key="momentum", max_lr=1.0, total_steps=80)
    same(curve(lab, "one_cycle_momentum", {"total_steps": 80}, 81), expected, "one_cycle_momentum defaults")


@pytest.mark.points(2)
def test_one_cycle_past_total_steps(lab):
    """one_cycle_lr and one_cycle_momentum accept step == total_steps and raise ValueError after it."""
    expected = one_cycle_torch(101, max_lr=1.0, total_steps=100, anneal_strategy="linear")[-1]
    assert_close(lab.one_cycle_lr(100, 1.0, 100, 0.3, "linear"), expected, atol=1e-15, rtol=1e-9,
                 what="one_cycle_lr at step == total_steps")
    for fn, args in [(lab.one_cycle_lr, (101, 1.0, 100)), (lab.one_cycle_momentum, (11, 10)),
                     (lab.one_cycle_lr, (10**9, 1.0, 100))]:
        with pytest.raises(ValueError):
            fn(*args)
    with pytest.raises(ValueError):
        lab.schedule_values("one_cycle", {"max_lr": 1.0, "total_steps": 20}, 22)


# ---- errors -------------------------------------------------------------------------------------------------------

VALID = {  # a valid call of each function, and its step position
    "step_lr": (7, 0.1, 5, 0.5),
    "multistep_lr": (7, 0.1, [3, 5], 0.5),
    "exponential_lr": (7, 0.1, 0.9),
    "cosine_restarts_lr": (7, 0.1, 5, 2, 0.01),
    "warmup_cosine_lr": (7, 0.1, 5, 20, 0.5, 0.01),
    "inverse_sqrt_lr": (7, 0.1, 5, 10),
    "one_cycle_lr": (7, 0.1, 20),
    "one_cycle_momentum": (7, 20),
}


def with_step(args, step):
    return (step,) + tuple(args[1:])


@pytest.mark.points(3)
def test_step_argument_errors(lab):
    """Every function raises ValueError for a negative step and TypeError for a float step (3.0 included)."""
    for name, args in VALID.items():
        fn = getattr(lab, name)
        check(isinstance(fn(*args), float), f"{name}{args} should return a float")
        for bad in (-1, -100):
            with pytest.raises(ValueError):
                fn(*with_step(args, bad))
        for bad in (3.0, 2.5):
            with pytest.raises(TypeError):
                fn(*with_step(args, bad))


ERRORS = [  # (function, arguments that are one edit away from a valid call, exception)
    ("step_lr", (0, -0.1, 5, 0.5), ValueError), ("step_lr", (0, 0.1, 0, 0.5), ValueError),
    ("step_lr", (0, 0.1, 5, 0.0), ValueError), ("step_lr", (0, 0.1, 5, -0.5), ValueError),
    ("step_lr", (0, 0.1, 5.0, 0.5), TypeError),
    ("multistep_lr", (0, 0.1, [3, -1], 0.5), ValueError), ("multistep_lr", (9, 0.1, [3, 5.0], 0.5), TypeError),
    ("multistep_lr", (0, -1.0, [3], 0.5), ValueError), ("multistep_lr", (0, 0.1, [3], 0.0), ValueError),
    ("exponential_lr", (0, -0.1, 0.9), ValueError), ("exponential_lr", (0, 0.1, 0.0), ValueError),
    ("cosine_restarts_lr", (0, 0.1, 0, 1, 0.0), ValueError), ("cosine_restarts_lr", (0, 0.1, 5, 0, 0.0), ValueError),
    ("cosine_restarts_lr", (0, 0.1, 5, 1, -0.01), ValueError), ("cosine_restarts_lr", (0, 0.1, 5, 1, 0.2), ValueError),
    ("cosine_restarts_lr", (0, -0.1, 5, 1, 0.0), ValueError), ("cosine_restarts_lr", (0, 0.1, 5, 1.5, 0.0), TypeError),
    ("cosine_restarts_lr", (0, 0.1, 5.0, 1, 0.0), TypeError),
    ("warmup_cosine_lr", (0, 0.1, 21, 20), ValueError), ("warmup_cosine_lr", (0, 0.1, -1, 20), ValueError),
    ("warmup_cosine_lr", (0, 0.1, 0, 0), ValueError), ("warmup_cosine_lr", (0, 0.1, 5, 20, 0.0), ValueError),
    ("warmup_cosine_lr", (0, 0.1, 5, 20, 0.5, -0.01), ValueError),
    ("warmup_cosine_lr", (0, 0.1, 5, 20, 0.5, 0.11), ValueError), ("warmup_cosine_lr", (0, -0.1, 5, 20), ValueError),
    ("warmup_cosine_lr", (0, 0.1, 5, 20.0), TypeError), ("warmup_cosine_lr", (0, 0.1, 5.0, 20), TypeError),
    ("inverse_sqrt_lr", (0, 0.1, -1), ValueError), ("inverse_sqrt_lr", (0, 0.1, -1, 10), ValueError),
    ("inverse_sqrt_lr", (0, 0.1, 5, 0), ValueError),
    ("inverse_sqrt_lr", (0, -0.1, 5), ValueError), ("inverse_sqrt_lr", (0, 0.1, 5, 2.0), TypeError),
    ("inverse_sqrt_lr", (0, 0.1, 5.0), TypeError),
    ("one_cycle_lr", (0, 0.1, 0), ValueError), ("one_cycle_lr", (0, 0.1, 20.0), TypeError),
    ("one_cycle_lr", (0, -0.1, 20), ValueError), ("one_cycle_lr", (0, 0.1, 20, 0.3, "cosine"), ValueError),
    ("one_cycle_lr", (0, 0.1, 20, 0.3, "cos", 0.0), ValueError),
    ("one_cycle_lr", (0, 0.1, 20, 0.3, "cos", 25.0, 0.0), ValueError),
    ("one_cycle_lr", (0, 0.1, 20, 0.3, "cos", -25.0), ValueError),
    ("one_cycle_momentum", (0, 20, 0.3, "cos", False, -0.1, 0.9), ValueError),
    ("one_cycle_momentum", (0, 20, 0.3, "cos", False, 0.9, 0.85), ValueError),
    ("one_cycle_momentum", (0, 20, 0.3, "linear_", False), ValueError),
]


@pytest.mark.points(5)
def test_argument_errors(lab):
    """Invalid hyperparameters raise the documented exception (ValueError out of range, TypeError not an integer)."""
    for name, args, error in ERRORS:
        with pytest.raises(error):
            getattr(lab, name)(*args)
    ok = [("step_lr", (0, 0.0, 1, 1e-9)), ("multistep_lr", (0, 0.0, [0], 1e-9)), ("exponential_lr", (0, 0, 1e-9)),
          ("cosine_restarts_lr", (0, 0.1, 1, 1, 0.1)), ("cosine_restarts_lr", (0, 0.0, 1, 1, 0.0)),
          ("warmup_cosine_lr", (0, 0.1, 20, 20, 1e-9, 0.1)), ("warmup_cosine_lr", (0, 0.0, 0, 1, 0.5, 0.0)),
          ("inverse_sqrt_lr", (0, 0.0, 0, 1)), ("one_cycle_lr", (0, 0.0, 20, 0.3, "cos", 1e-9, 1e-9)),
          ("one_cycle_momentum", (0, 20, 0.3, "cos", False, 0.0, 0.0))]
    for name, args in ok:
        check(isinstance(getattr(lab, name)(*args), float), f"{name}{args} is valid and should return a float")


@pytest.mark.points(3)
def test_one_cycle_phase_errors(lab):
    """one_cycle_lr raises ValueError when pct_start leaves a phase empty, and accepts the nearest valid values."""
    for args in [(0, 1.0, 10, 0.1), (0, 1.0, 10, 0.0), (0, 1.0, 10, 1.0), (0, 1.0, 10, 1.2), (0, 1.0, 1, 0.3),
                 (0, 1.0, 10, 0.55, "cos", 25.0, 1e4, True), (0, 1.0, 10, 0.6, "linear", 25.0, 1e4, True),
                 (0, 1.0, 2, 0.75, "cos", 25.0, 1e4, True),
                 (0, 1.0, 2, 0.3)]:
        with pytest.raises(ValueError):
            lab.one_cycle_lr(*args)
        with pytest.raises(ValueError):
            lab.one_cycle_momentum(*((0, args[2], args[3]) + tuple(args[4:5]) + tuple(args[7:8])))
    for pct, three_phase in [(0.11, False), (0.89, False), (0.44, True), (0.11, True)]:
        expected = one_cycle_torch(11, max_lr=1.0, total_steps=10, pct_start=pct, three_phase=three_phase)
        config = {"max_lr": 1.0, "total_steps": 10, "pct_start": pct, "three_phase": three_phase}
        same(curve(lab, "one_cycle", config, 11), expected, f"one_cycle_lr(total_steps=10, pct_start={pct})")


# ---- schedule_values, types ---------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_schedule_values_contract(lab):
    """schedule_values: num_steps 0 gives [], NumPy num_steps works, unknown names and bad num_steps raise."""
    check(lab.schedule_values("exponential", {"base_lr": 1.0, "gamma": 0.5}, 0) == [],
          "schedule_values(..., 0) should be []")
    got = lab.schedule_values("exponential", {"base_lr": 1.0, "gamma": 0.5}, np.int64(4))
    assert_close(got, [1.0, 0.5, 0.25, 0.125], atol=0, rtol=1e-12, what="schedule_values with a NumPy num_steps")
    check(all(type(v) is float for v in got), "schedule_values should return Python floats")
    for name, config, n, error in [("cosine", {"base_lr": 1.0}, 3, ValueError),
                                   ("exponential", {"base_lr": 1.0, "gamma": 0.5}, -1, ValueError),
                                   ("exponential", {"base_lr": 1.0, "gamma": 0.5}, 3.0, TypeError),
                                   ("exponential", {"base_lr": 1.0}, 3, TypeError),
                                   ("step", {"base_lr": 1.0, "step_size": 2, "warmup": 3}, 3, TypeError),
                                   ("step", {"base_lr": 1.0, "step_size": 0}, 3, ValueError)]:
        with pytest.raises(error):
            lab.schedule_values(name, config, n)


@pytest.mark.points(3)
def test_types_and_keyword_calls(lab):
    """Every function returns a Python float for int arguments and NumPy steps, and takes its arguments by keyword."""
    calls = [("step_lr", (np.int64(9), 1, 3, 2)), ("multistep_lr", (np.int32(9), 1, [np.int64(3)], 2)),
             ("exponential_lr", (np.int64(3), 1, 2)), ("cosine_restarts_lr", (np.int64(2), 1, 4, 2, 0)),
             ("warmup_cosine_lr", (np.int64(3), 2, 2, 6, 1, 1)), ("inverse_sqrt_lr", (np.int64(8), 1, 2)),
             ("one_cycle_lr", (np.int64(3), 1, 10, 0.5, "linear", 2, 2)), ("one_cycle_momentum", (np.int64(3), 10))]
    expected = [8.0, 2.0, 8.0, 0.5, 1.5, 0.5, 0.875, 0.95 - 0.05 * (math.cos(math.pi / 7) + 1)]
    for (name, args), value in zip(calls, expected):
        got = getattr(lab, name)(*args)
        check(type(got) is float, f"{name} should return a Python float, got {type(got).__name__}")
        assert_close(got, value, atol=1e-15, rtol=1e-12, what=f"{name} with NumPy and int arguments")
    keyword = [
        (lab.step_lr(step=12, base_lr=1.0, step_size=5, gamma=0.5), 0.25),
        (lab.cosine_restarts_lr(step=5, base_lr=1.0, t_0=10, eta_min=0.5), 0.75),
        (lab.warmup_cosine_lr(step=2, base_lr=1.0, warmup_steps=4, total_steps=8), 0.5),
        (lab.inverse_sqrt_lr(step=16, base_lr=1.0, warmup_steps=4), 0.5),
        (lab.one_cycle_lr(step=0, max_lr=1.0, total_steps=100, div_factor=4.0), 0.25),
        (lab.one_cycle_momentum(step=0, total_steps=100, max_momentum=0.97), 0.97),
    ]
    for got, value in keyword:
        assert_close(got, value, atol=1e-15, rtol=1e-12, what="a call with keyword arguments")


# ---- the plot -----------------------------------------------------------------------------------------------------


def png_facts(data):
    """(width, height, distinct saturated colours) of a PNG file's bytes."""
    import matplotlib.image

    check(data[:8] == PNG_SIGNATURE, "the file is not a PNG (wrong signature)")
    width, height = struct.unpack(">II", data[16:24])
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")[..., :3]
    rgb = (pixels.reshape(-1, 3) * 255).round().astype(int)
    saturated = rgb[(rgb.max(axis=1) - rgb.min(axis=1)) > 80]
    hues = {tuple(c // 32) for c in saturated}
    return width, height, len(saturated), len(hues)


def line_residual(data):
    """How far the coloured pixels of a one-curve plot lie from a straight line (median, fraction of the height)."""
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")[..., :3]
    coloured = (pixels.max(axis=2) - pixels.min(axis=2)) > 0.3
    columns = np.flatnonzero(coloured.any(axis=0))
    check(len(columns) > 50, "the curve should span the width of the plot")
    rows = np.array([np.flatnonzero(coloured[:, c]).mean() for c in columns])
    keep = np.ones(len(columns), bool)
    for _ in range(3):   # refit without the worst columns (the legend's sample line)
        residual = np.abs(rows - np.polyval(np.polyfit(columns[keep], rows[keep], 1), columns))
        keep = residual <= np.percentile(residual, 80)
    return float(np.median(residual)) / pixels.shape[0]


@pytest.mark.points(6)
def test_plot_schedules_writes_png(lab, tmp_path, monkeypatch):
    """plot_schedules writes a PNG of at least 400x300, one coloured line per curve; log_scale makes the y axis logarithmic."""
    monkeypatch.chdir(tmp_path)   # in-process runs write here; the grading worker has a folder of its own
    curves = {
        "cosine": ["warmup_cosine", {"base_lr": 0.1, "warmup_steps": 10, "total_steps": 200}],
        "one-cycle": ("one_cycle", {"max_lr": 0.1, "total_steps": 200}),
        "step": ("step", {"base_lr": 0.1, "step_size": 50, "gamma": 0.5}),
    }
    path = lab.plot_schedules(curves, 200, "schedules.png")
    check(path == "schedules.png", "plot_schedules should return the path it was given")
    data = lab.get_file("schedules.png")
    width, height, coloured, hues = png_facts(data)
    check(width >= 400 and height >= 300, f"the image is {width}x{height}, expected at least 400x300")
    check(len(data) > 5000, "the PNG is suspiciously small: is anything drawn?")
    check(coloured > 300, "almost no coloured pixels: draw each schedule as a coloured line")
    check(hues >= 3, "three curves should give lines of at least three colours")
    one = lab.plot_schedules({"only": ("exponential", {"base_lr": 1.0, "gamma": 0.97})}, 150, "one.png")
    check(one == "one.png", "plot_schedules should return the path it was given")
    linear = lab.get_file("one.png")
    check(png_facts(linear)[2] > 100, "one curve should still be drawn as a coloured line")
    lab.plot_schedules({"only": ("exponential", {"base_lr": 1.0, "gamma": 0.97})}, 150, "log.png", True)
    logarithmic = lab.get_file("log.png")
    check(logarithmic != linear, "log_scale=True should change the plot")
    check(line_residual(logarithmic) < 0.005, "with log_scale=True an exponential decay should be a straight line")
    check(line_residual(linear) > 0.015, "with a linear y axis an exponential decay should be curved")


@pytest.mark.points(2)
def test_plot_schedules_errors(lab, tmp_path, monkeypatch):
    """plot_schedules raises ValueError for no curves, num_steps < 1 and an unknown schedule."""
    monkeypatch.chdir(tmp_path)
    lab.plot_schedules({"ok": ("exponential", {"base_lr": 1.0, "gamma": 0.9})}, 1, "ok.png")
    check(lab.get_file("ok.png")[:8] == PNG_SIGNATURE, "plot_schedules with num_steps=1 should still write a PNG")
    for curves, n in [({}, 10), ({"a": ("exponential", {"base_lr": 1.0, "gamma": 0.9})}, 0),
                      ({"a": ("cosine_annealing", {"base_lr": 1.0})}, 10)]:
        with pytest.raises(ValueError):
            lab.plot_schedules(curves, n, "bad.png")
