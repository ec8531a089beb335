"""Hidden tests for lab 26 (hyperparameters and compute).

Oracles:

* FLOPs: ``torch.utils.flop_counter.FlopCounterMode`` on ``torch.matmul``
  and on a tiny GPT-style decoder built here with the module names of the
  lab's docstring (attention written as two explicit matmuls: on CPU
  ``FlopCounterMode`` counts nothing for the fused SDPA kernel), forward
  and forward + backward; parameter counts from that model's weights;
* search, range test and early stopping: the documented rules, written out
  here on hand-made score sequences (exact binary fractions at every
  boundary), and the documented order of ``numpy.random.default_rng``
  draws for random search;
* ``6ND``, MFU and the compute-optimal split: the plain formulas.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

REL = dict(atol=0.0, rtol=1e-9)


def schedule(lr_min, lr_max, n):
    return [lr_min * (lr_max / lr_min) ** (i / (n - 1)) for i in range(n)]


def feed(test, losses):
    """Record ``losses`` one by one; return the ``done`` flags."""
    return [test.record(loss) for loss in losses]


# ---- 1. the learning-rate range test -----------------------------------------------------------------------


@pytest.mark.points(3)
def test_lr_range_test_exponential_schedule(lab):
    """LRRangeTest: step i uses lr_min * (lr_max/lr_min)**(i/(num_steps-1)); it stops after num_steps losses."""
    test = lab.LRRangeTest(1e-4, 1.0, 5)
    check(test.next_lr() == test.next_lr(), "next_lr() twice without record() should give the same value")
    flags = feed(test, [1.0, 0.5, 0.25, 0.25, 0.5])
    check(flags == [False] * 4 + [True], "record() should return False until the num_steps-th loss, then True")
    assert_close(np.array(test.lrs), np.array(schedule(1e-4, 1.0, 5)), **REL,
                 what="the learning rates of an exponential (geometric) sweep")
    check(test.lrs[0] == 1e-4, "the first step uses lr_min")
    assert_close(test.losses, [1.0, 0.5, 0.25, 0.25, 0.5], **REL, what="the recorded losses (beta=0: raw)")
    check(test.done is True and test.diverged is False, "after num_steps losses: done is True, diverged False")
    check(test.next_lr() is None, "next_lr() should return None once the test is done")
    with pytest.raises(RuntimeError):
        test.record(0.1)
    check(len(test.lrs) == 5, "a record() refused after the end should record nothing")

    test = lab.LRRangeTest(lr_min=0.5, lr_max=8.0, num_steps=2)
    check(test.done is False and test.diverged is False and test.lrs == [], "a new test is not done and has recorded nothing")
    feed(test, [3.0, 2.0])
    assert_close(np.array(test.lrs), np.array([0.5, 8.0]), **REL, what="num_steps=2: lr_min then lr_max")
    test = lab.LRRangeTest(1e-6, 1.0, 300)
    check(not any(feed(test, [1.0] * 299)) and test.record(1.0) is True and test.done, "num_steps=300: done after 300 losses")


@pytest.mark.points(2)
def test_lr_range_test_defaults(lab):
    """LRRangeTest() sweeps 1e-7 to 10 in 100 steps, stopping at 4x the best loss, unsmoothed."""
    test = lab.LRRangeTest()
    check(math.isclose(test.next_lr(), 1e-7, rel_tol=1e-12), "the default lr_min is 1e-7")
    flags = feed(test, [2.0, 1.0] + [4.0] * 97)
    check(not any(flags), "a loss equal to 4x the best is not divergence (the default diverge_factor is 4)")
    check(math.isclose(test.next_lr(), 10.0, rel_tol=1e-9), "the default sweep ends at lr_max=10 after 100 steps")
    assert_close(test.losses[:3], [2.0, 1.0, 4.0], **REL, what="default beta=0: the raw losses are recorded")
    check(test.record(4.0) is True and test.diverged is False, "the 100th loss ends the default test without divergence")
    test = lab.LRRangeTest()
    check(feed(test, [1.0, 4.5]) == [False, True] and test.diverged, "4.5 > 4 x 1.0 should diverge with the defaults")


@pytest.mark.points(4)
def test_lr_range_test_divergence(lab):
    """Divergence: a loss strictly above diverge_factor x the lowest loss so far stops the test (and is recorded)."""
    test = lab.LRRangeTest(1e-3, 1e3, 50, diverge_factor=3.0)
    flags = feed(test, [5.0, 3.0, 2.0, 1.5, 4.5, 1.0, 3.0])
    check(not any(flags), "a loss equal to diverge_factor x best is not divergence (strictly greater is)")
    check(test.record(3.25) is True, "3.25 > 3 x 1.0 (the lowest loss so far) should stop the test")
    check(test.diverged is True and test.done is True, "after divergence: diverged and done are True")
    check(len(test.lrs) == 8 and len(test.losses) == 8, "the loss that triggered divergence is recorded too")
    assert_close(np.array(test.lrs), np.array(schedule(1e-3, 1e3, 50)[:8]), **REL, what="the recorded learning rates")
    check(test.losses[-1] == 3.25, "the diverging loss is recorded as given (beta=0)")
    check(test.next_lr() is None, "next_lr() should return None after divergence")
    with pytest.raises(RuntimeError):
        test.record(1.0)

    test = lab.LRRangeTest(1e-3, 1e3, 50, diverge_factor=4.0)
    check(feed(test, [10.0, 1.0, 4.5]) == [False, False, True],
          "the threshold follows the lowest loss so far, not the first loss")
    test = lab.LRRangeTest(1e-3, 1e3, 50, diverge_factor=1.5)
    check(feed(test, [2.0, 3.0, 3.5]) == [False, False, True], "diverge_factor=1.5: 3.5 > 1.5 x 2 diverges, 3 does not")


@pytest.mark.points(3)
def test_lr_range_test_non_finite_loss(lab):
    """A NaN or infinite loss counts as divergence, smoothed or not."""
    for beta in (0.0, 0.5):
        for bad in (float("nan"), float("inf")):
            test = lab.LRRangeTest(1e-3, 1.0, 10, beta=beta)
            flags = feed(test, [2.0, 1.0, bad])
            check(flags == [False, False, True], f"a loss of {bad} should stop the test (beta={beta})")
            check(test.diverged is True, f"a loss of {bad} is divergence (beta={beta})")
            check(len(test.losses) == 3 and not math.isfinite(test.losses[-1]), "the non-finite loss is recorded")


def smoothed(losses, beta):
    avg, out = 0.0, []
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    return out


@pytest.mark.points(4)
def test_lr_range_test_smoothing(lab):
    """beta > 0 records the bias-corrected moving average, and divergence is decided on it."""
    raw = [2.0, 1.8, 1.7, 1.2, 1.1, 5.0, 1.0, 12.0, 30.0]
    expected = smoothed(raw, 0.9)
    test = lab.LRRangeTest(1e-4, 1.0, 20, diverge_factor=4.0, beta=0.9)
    flags = [test.record(loss) for loss in raw[:7]]
    check(not any(flags), "with beta=0.9 a single spike (5.0 after 1.1) should be smoothed away, not stop the test")
    assert_close(test.losses, expected[:7], atol=1e-12, rtol=1e-9,
                 what="the recorded losses (bias-corrected exponential moving average, beta=0.9)")
    check(test.losses[0] == 2.0, "the first recorded loss with bias correction equals the first raw loss")
    # the smoothed loss crosses 4 x best only at the 9th step
    check(feed(test, raw[7:]) == [False, True] and test.diverged, "divergence is decided on the smoothed loss")
    assert_close(test.losses, expected, atol=1e-12, rtol=1e-9, what="the recorded losses up to divergence")

    test = lab.LRRangeTest(1e-4, 1.0, 20, beta=0.5)
    feed(test, [1.0, 3.0, 2.0])
    assert_close(test.losses, smoothed([1.0, 3.0, 2.0], 0.5), atol=1e-12, rtol=1e-9, what="beta=0.5 recorded losses")


@pytest.mark.points(2)
def test_lr_range_test_errors(lab):
    """LRRangeTest raises ValueError for lr_min <= 0, lr_max <= lr_min, num_steps < 2, diverge_factor <= 1, beta outside [0, 1)."""
    for kwargs in [dict(lr_min=1e-9, lr_max=1e-8, num_steps=2, diverge_factor=1.001, beta=0.0),
                   dict(beta=0.999), dict(lr_min=2.0, lr_max=2.5)]:
        lab.LRRangeTest(**kwargs).next_lr()  # valid: must not raise
    for kwargs in [dict(lr_min=0.0), dict(lr_min=-1e-3), dict(lr_min=1.0, lr_max=1.0), dict(lr_min=1.0, lr_max=0.5),
                   dict(num_steps=1), dict(num_steps=0), dict(diverge_factor=1.0), dict(diverge_factor=0.5),
                   dict(beta=1.0), dict(beta=1.5), dict(beta=-0.1)]:
        with pytest.raises(ValueError):
            lab.LRRangeTest(**kwargs)


@pytest.mark.points(3)
def test_lr_range_test_drives_training(lab):
    """A range test driving gradient descent on least squares records the run's losses and stops where it blows up."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(64, 5, generator=gen, dtype=torch.float64)
    y = x @ torch.randn(5, generator=gen, dtype=torch.float64) + 0.1 * torch.randn(64, generator=gen, dtype=torch.float64)

    def run(test):
        w = torch.zeros(5, dtype=torch.float64)
        losses = []
        while (lr := test.next_lr()) is not None:
            residual = x @ w - y
            loss = float((residual ** 2).mean())
            losses.append(loss)
            w = w - lr * 2 * x.T @ residual / len(y)
            test.record(loss)
        return losses

    test = lab.LRRangeTest(1e-3, 10.0, 30, diverge_factor=4.0)
    losses = run(test)
    check(test.diverged is True, "a sweep up to lr=10 on this problem should diverge")
    check(len(test.losses) == len(losses) < 30, "the test should stop at divergence, before num_steps")
    assert_close(test.losses, losses, **REL, what="the recorded losses")
    running = list(itertools.accumulate(losses, min))
    check(losses[-1] > 4 * running[-1] and all(v <= 4 * b for v, b in zip(losses[:-1], running)),
          "the test stopped at the wrong step")
    suggestion = lab.suggest_lr(test.lrs, test.losses)
    check(suggestion in test.lrs and suggestion < test.lrs[-1], "suggest_lr should pick a recorded rate below divergence")


# ---- 2. suggest_lr -----------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_suggest_lr(lab):
    """suggest_lr returns lrs[i] of the steepest fall against log(lr), first on ties, skipping non-finite losses."""
    lrs = [1e-4, 1e-3, 1e-1, 2e-1]
    got = lab.suggest_lr(lrs, [2.0, 1.9, 1.3, 1.2])
    check(type(got) is float, "suggest_lr should return a Python float")
    check(got == 1e-1, "the slope is taken against log(lr), not per step: a wrong segment was chosen")
    check(lab.suggest_lr(lrs, [2.0, 1.0, 0.9, 0.89]) == 1e-4,
          "the result is the learning rate at the start of the steepest segment")
    check(lab.suggest_lr((1.0, 2.0, 4.0, 8.0), (3.0, 3.0, 3.0, 3.0)) == 1.0, "on ties (a flat curve) the first segment wins")
    check(lab.suggest_lr([1.0, 2.0, 4.0], [1.0, 2.0, 5.0]) == 1.0, "a rising curve: the least steep rise wins")
    check(lab.suggest_lr([1e-3, 1e-2, 1e-1, 1.0], [float("nan"), 5.0, 4.0, 3.9]) == 1e-2,
          "segments touching a NaN loss are skipped")
    check(lab.suggest_lr([1e-3, 1e-2, 1e-1, 1.0], [3.0, 2.5, 1.0, float("inf")]) == 1e-2,
          "segments touching an infinite loss are skipped")
    check(lab.suggest_lr([1e-3, 1e-2], [2.0, 1.0]) == 1e-3, "two points: one segment")


@pytest.mark.points(2)
def test_suggest_lr_errors(lab):
    """suggest_lr raises ValueError for misaligned or too short inputs, unsorted or non-positive lrs, no finite segment."""
    lab.suggest_lr([0.1, 0.2], [1.0, 0.5])  # valid: must not raise
    many = [1e-3 * 1.01 ** i for i in range(300)]
    lab.suggest_lr(many, [1.0] * 300)  # valid: must not raise
    nan = float("nan")
    for lrs, losses in [([0.1, 0.2], [1.0]), ([0.1], [1.0]), ([], []), ([0.2, 0.1], [1.0, 0.5]),
                        ([0.1, 0.1, 0.2], [1.0, 0.9, 0.8]), ([0.0, 0.1], [1.0, 0.5]), ([-0.1, 0.1], [1.0, 0.5]),
                        ([0.1, 0.2, 0.4], [nan, 1.0, nan]), ([0.1, 0.2], [1.0, 0.5, 0.2]),
                        ([0.0, 0.1, 0.2], [nan, 1.0, 0.5]), ([-0.5, 0.1, 0.2], [nan, 1.0, 0.5])]:
        with pytest.raises(ValueError):
            lab.suggest_lr(lrs, losses)


# ---- 3. grid and random search -----------------------------------------------------------------------------


@pytest.mark.points(4)
def test_grid_configs(lab):
    """grid_configs follows itertools.product: first key slowest, values in the given order; [{}] and [] edge cases."""
    space = {"lr": [0.3, 0.1, 0.2], "batch_size": (32, 8), "optimizer": ["adamw", "sgd", None]}
    got = lab.grid_configs(space)
    expected = [dict(zip(space, values)) for values in itertools.product(*space.values())]
    check(isinstance(got, list) and len(got) == 18, "3 x 2 x 3 values should give 18 configs in a list")
    check(got == expected, "the configs or their order differ: the first key varies slowest, the last fastest")
    check(all(list(c) == list(space) for c in got), "each config's keys should follow the order of space")
    swapped = {"b": [1, 2], "a": [3, 4]}
    check(lab.grid_configs(swapped) == [{"b": 1, "a": 3}, {"b": 1, "a": 4}, {"b": 2, "a": 3}, {"b": 2, "a": 4}],
          "the order follows the keys of space as given, not sorted")
    check(lab.grid_configs({"x": [5]}) == [{"x": 5}], "one key with one value: one config")
    check(lab.grid_configs({}) == [{}], "an empty space has exactly one config, {}")
    check(lab.grid_configs({"x": [1, 2], "y": []}) == [], "a key with no values gives no configs")


def documented_random_configs(space, n, seed):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        config = {}
        for key, spec in space.items():
            if isinstance(spec, dict):
                if spec.get("log", False):
                    config[key] = math.exp(rng.uniform(math.log(spec["low"]), math.log(spec["high"])))
                else:
                    config[key] = float(rng.uniform(spec["low"], spec["high"]))
            else:
                config[key] = spec[int(rng.integers(len(spec)))]
        if config not in out:
            out.append(config)
    return out


def same_configs(got, expected, what):
    check(isinstance(got, list) and len(got) == len(expected), f"{what}: expected a list of {len(expected)} configs")
    for i, (g, e) in enumerate(zip(got, expected)):
        check(list(g) == list(e), f"{what}: config {i} should have the keys of space, in its order")
        for key in e:
            if isinstance(e[key], float):
                check(isinstance(g[key], float), f"{what}: config {i}, {key!r}: expected a Python float")
                assert_close(g[key], e[key], atol=0.0, rtol=1e-12, what=f"{what}: config {i}, {key!r}")
            else:
                check(g[key] == e[key], f"{what}: config {i}, {key!r} differs from the documented draws")


SPACE = {"lr": {"low": 1e-5, "high": 1e-1, "log": True}, "batch_size": [8, 16, 32, 64],
         "dropout": {"low": 0.0, "high": 0.5}, "warmup": ("none", "linear"), "wd": {"low": 0.0, "high": 0.1, "log": False}}


@pytest.mark.points(4)
def test_random_configs_documented_draws(lab):
    """random_configs draws with default_rng(seed) in the documented order: choices, uniform and log-uniform floats."""
    for seed in (0, 12345):
        same_configs(lab.random_configs(SPACE, 7, seed), documented_random_configs(SPACE, 7, seed), f"seed {seed}")
    small = {"a": [1, 2], "b": ["x", "y", "z"]}
    same_configs(lab.random_configs(small, 6, 3), documented_random_configs(small, 6, 3),
                 "a 6-config space drawn whole (repeated draws discarded)")
    same_configs(lab.random_configs(small, 4, 11), documented_random_configs(small, 4, 11), "repeats discarded")
    same_configs(lab.random_configs({"x": [7]}, 1, 5), [{"x": 7}], "a single-config space")
    same_configs(lab.random_configs({}, 1, 0), [{}], "an empty space")


@pytest.mark.points(3)
def test_random_configs_properties(lab):
    """random_configs: exactly n distinct configs within the ranges, same for a seed, different for another."""
    a = lab.random_configs(SPACE, 20, 1)
    check(len(a) == 20, "random_configs should return n configs")
    check(all(a[i] != a[j] for i in range(20) for j in range(i)), "the configs should be distinct")
    for c in a:
        check(1e-5 <= c["lr"] < 1e-1 and 0.0 <= c["dropout"] < 0.5 and 0.0 <= c["wd"] < 0.1, "a value is out of its range")
        check(c["batch_size"] in SPACE["batch_size"] and c["warmup"] in SPACE["warmup"], "a choice is not one of its values")
    check(lab.random_configs(SPACE, 20, 1) == a, "the same seed should give the same configs")
    check(lab.random_configs(SPACE, 20, 2) != a, "another seed should give other configs")
    check(lab.random_configs(SPACE, 0, 1) == [], "n=0 gives no configs")
    grid = {"a": [1, 2, 3], "b": [True, False]}
    got = lab.random_configs(grid, 6, 9)
    check(len(got) == 6 and all(c in got for c in lab.grid_configs(grid)),
          "n equal to the size of a finite space should return every config once")
    check(lab.random_configs(grid, 6, 9)[:3] == lab.random_configs(grid, 3, 9),
          "the first configs for a seed do not depend on n")


@pytest.mark.points(3)
def test_random_configs_distribution(lab):
    """Over many draws: choices are uniform, log-uniform rates are uniform in log, uniform floats uniform."""
    space = {"lr": {"low": 1e-6, "high": 1e-2, "log": True}, "opt": ["a", "b", "c", "d"], "p": {"low": 2.0, "high": 6.0}}
    configs = lab.random_configs(space, 4000, 2024)
    lrs = np.array([c["lr"] for c in configs])
    ps = np.array([c["p"] for c in configs])
    logs = np.log10(lrs)
    check(abs(np.mean(logs < -4.0) - 0.5) < 0.04, "log-uniform: half the rates should fall below the geometric middle 1e-4")
    check(abs(np.mean(logs < -5.0) - 0.25) < 0.04, "log-uniform: a quarter should fall below 1e-5")
    check(abs(np.mean(ps < 4.0) - 0.5) < 0.04 and abs(np.mean(ps < 3.0) - 0.25) < 0.04,
          "uniform floats should be spread evenly over [low, high)")
    counts = [sum(c["opt"] == v for c in configs) / len(configs) for v in space["opt"]]
    check(all(abs(f - 0.25) < 0.04 for f in counts), "each of 4 choices should come up about a quarter of the time")
    pairs = [(c["opt"], c["p"] < 4.0) for c in configs]
    check(all(abs(pairs.count((o, s)) / len(pairs) - 0.125) < 0.03 for o in space["opt"] for s in (True, False)),
          "keys should be drawn independently of each other")


@pytest.mark.points(2)
def test_random_configs_errors(lab):
    """random_configs raises ValueError for n < 0, empty choices, low >= high, log with low <= 0, n above a finite space's size."""
    lab.random_configs({"a": [1, 2], "b": [3, 4]}, 4, 0)  # valid: must not raise
    lab.random_configs({"x": {"low": -1.0, "high": 1.0}}, 3, 0)
    for space, n in [({"a": [1, 2]}, -1), ({"a": []}, 1), ({"a": [1], "b": []}, 0), ({"x": {"low": 1.0, "high": 1.0}}, 1),
                     ({"x": {"low": 2.0, "high": 1.0}}, 1), ({"x": {"low": 0.0, "high": 1.0, "log": True}}, 1),
                     ({"x": {"low": -1.0, "high": 1.0, "log": True}}, 1), ({"a": [1, 2], "b": [3, 4]}, 5), ({}, 2),
                     ({"x": {"low": 2.0, "high": 1.0}}, 0), ({"x": {"low": 0.0, "high": 1.0, "log": True}}, 0),
                     ({"x": {"low": -0.5, "high": 1.0, "log": True}}, 0)]:
        with pytest.raises(ValueError):
            lab.random_configs(space, n, 0)


def drive(search, objective):
    asked = []
    while (config := search.ask()) is not None:
        asked.append(config)
        search.tell(objective(config))
    return asked


@pytest.mark.points(4)
def test_search_budget_and_order(lab):
    """Search asks the configs in order, at most budget of them, then None; history records (config, score)."""
    configs = [{"lr": lr, "bs": bs} for lr in (0.1, 0.01, 0.001) for bs in (8, 16)]
    objective = lambda c: abs(math.log10(c["lr"]) + 2) + c["bs"] / 100  # noqa: E731
    search = lab.Search(configs, 4)
    check(search.best() is None, "best() is None before any score is told")
    asked = drive(search, objective)
    check(asked == configs[:4], "budget=4: the first four configs, in order")
    check(search.ask() is None, "ask() keeps returning None once the budget is spent")
    history = search.history
    check(len(history) == 4 and all(list(h) == [c, objective(c)] for h, c in zip(history, configs)),
          "history should hold the (config, score) pairs in order")
    check(list(search.best()) == [configs[2], objective(configs[2])], "best() should be the lowest score told")
    check(drive(lab.Search(configs), objective) == configs, "budget=None: every config")
    check(drive(lab.Search(configs, 100), objective) == configs, "a budget above len(configs): every config once")
    check(drive(lab.Search(configs, 6), objective) == configs, "a budget equal to len(configs): every config")
    check(drive(lab.Search(configs, 1), objective) == configs[:1], "budget=1: one config")
    empty = lab.Search(configs, 0)
    check(empty.ask() is None and empty.best() is None and empty.history == [], "budget=0 evaluates nothing")
    check(lab.Search([]).ask() is None, "no configs: ask() returns None")
    many = [{"i": i} for i in range(301)]
    check(len(drive(lab.Search(configs=many, budget=300, maximize=False), lambda c: 0.0)) == 300, "budget=300: 300 configs")
    with pytest.raises(ValueError):
        lab.Search(configs, -1)


@pytest.mark.points(2)
def test_search_ask_tell_protocol(lab):
    """Search: ask twice without tell, or tell without a pending ask, raises RuntimeError."""
    search = lab.Search([{"a": 1}, {"a": 2}, {"a": 3}])
    with pytest.raises(RuntimeError):
        search.tell(1.0)
    check(search.ask() == {"a": 1}, "the first ask() returns the first config")
    with pytest.raises(RuntimeError):
        search.ask()
    search.tell(0.5)
    with pytest.raises(RuntimeError):
        search.tell(0.25)
    check(search.ask() == {"a": 2}, "after a tell, ask() returns the next config")
    search.tell(0.25)
    check([s for _, s in search.history] == [0.5, 0.25], "refused calls should record nothing")


@pytest.mark.points(3)
def test_search_best(lab):
    """Search.best: lowest score (highest with maximize), first told on ties, NaN never best."""
    configs = [{"i": i} for i in range(6)]

    def run(scores, **kwargs):
        search = lab.Search(configs, **kwargs)
        for s in scores:
            search.ask()
            search.tell(s)
        return search.best()

    nan = float("nan")
    check(list(run([3.0, 1.0, 2.0, 1.0, 5.0, 4.0])) == [{"i": 1}, 1.0], "ties: the config told first wins")
    check(list(run([3.0, 1.0, 5.0, 2.0, 5.0, 4.0], maximize=True)) == [{"i": 2}, 5.0],
          "maximize=True: highest score, first on ties")
    check(list(run([-1.0, -3.0, 2.0])) == [{"i": 1}, -3.0], "negative scores are fine")
    check(list(run([nan, 2.0, nan, 1.5])) == [{"i": 3}, 1.5], "a NaN score is never the best")
    check(list(run([nan, 2.0, nan], maximize=True)) == [{"i": 1}, 2.0], "a NaN score is never the best (maximize)")
    check(run([nan, nan]) is None, "only NaN scores: best() is None")
    check(list(run([float("inf"), 7.0], maximize=True)) == [{"i": 0}, float("inf")], "an infinite score can be best")


@pytest.mark.points(2)
def test_grid_and_random_search_end_to_end(lab):
    """Grid and random search with a budget find the best config among those they may evaluate."""
    space = {"lr": [1e-4, 1e-3, 1e-2, 1e-1], "wd": [0.0, 0.01, 0.1], "warmup": [0, 100]}
    objective = lambda c: (math.log10(c["lr"]) + 2.2) ** 2 + 10 * abs(c["wd"] - 0.01) + (c["warmup"] == 0)  # noqa: E731
    grid = lab.Search(lab.grid_configs(space), 12)
    asked = drive(grid, objective)
    check(len(asked) == 12 and asked == lab.grid_configs(space)[:12], "grid search with budget 12: the first 12 grid configs")
    check(list(grid.best()) == [min(asked, key=objective), objective(min(asked, key=objective))], "grid search: wrong best")
    configs = lab.random_configs(space, 10, 7)
    rand = lab.Search(configs)
    asked = drive(rand, objective)
    check(len(asked) == 10 and len({tuple(c.values()) for c in asked}) == 10, "random search: 10 distinct configs")
    check(list(rand.best())[0] == min(asked, key=objective), "random search: wrong best config")


# ---- 4. early stopping -------------------------------------------------------------------------------------


def steps(stopper, scores):
    return [stopper.step(s) for s in scores]


@pytest.mark.points(4)
def test_early_stopping_patience(lab):
    """EarlyStopping stops when num_bad_steps reaches patience; an equal score is not an improvement."""
    stopper = lab.EarlyStopping(patience=3)
    check(stopper.best is None and stopper.best_step is None and stopper.num_bad_steps == 0 and stopper.stopped is False,
          "a new stopper: best and best_step None, num_bad_steps 0, not stopped")
    flags = steps(stopper, [1.0, 0.8, 0.9, 0.8, 0.7, 0.75, 0.7, 0.7])
    check(flags == [False] * 7 + [True], "patience=3: stop at the third step without improvement (equal is not better)")
    check(stopper.best == 0.7 and stopper.best_step == 4, "best / best_step: the best score and its 0-based step index")
    check(stopper.num_bad_steps == 3 and stopper.stopped is True, "num_bad_steps counts the steps since the best; stopped")

    stopper = lab.EarlyStopping(patience=2)
    flags = steps(stopper, [5.0, 6.0, 4.0, 4.0, 3.0, 3.5])
    check(flags == [False] * 6, "an improvement resets the count: no stop here with patience=2")
    check(stopper.num_bad_steps == 1 and stopper.best == 3.0 and stopper.best_step == 4, "wrong state after a reset")
    check(stopper.step(3.0) is True, "the second step without improvement stops with patience=2")

    stopper = lab.EarlyStopping()
    flags = steps(stopper, [1.0] + [2.0] * 5)
    check(flags == [False] * 5 + [True], "the default patience is 5 (and mode 'min')")


@pytest.mark.points(3)
def test_early_stopping_min_delta(lab):
    """An improvement must beat best by strictly more than min_delta; best moves to the improving score."""
    stopper = lab.EarlyStopping(patience=2, min_delta=0.25, mode="".join(["mi", "n"]))
    check(steps(stopper, [1.0, 0.75]) == [False, False] and stopper.num_bad_steps == 1 and stopper.best == 1.0,
          "a fall of exactly min_delta is not an improvement")
    check(stopper.step(0.5) is False and stopper.best == 0.5 and stopper.best_step == 2 and stopper.num_bad_steps == 0,
          "a fall of more than min_delta is an improvement: best becomes that score")
    check(steps(stopper, [0.3, 0.26]) == [False, True], "0.3 and 0.26 are not below 0.5 - 0.25: two bad steps stop")
    check(stopper.best == 0.5, "best only changes on an improvement")


@pytest.mark.points(3)
def test_early_stopping_mode_max(lab):
    """mode='max': higher is better, improving by strictly more than min_delta."""
    stopper = lab.EarlyStopping(patience=2, mode="max")
    check(steps(stopper, [0.5, 0.4, 0.6, 0.6, 0.625, 0.5]) == [False] * 6, "mode='max': rising scores improve")
    check(stopper.best == 0.625 and stopper.best_step == 4 and stopper.num_bad_steps == 1, "mode='max': wrong state")
    check(stopper.step(0.625) is True, "an equal score is not an improvement (mode='max')")
    stopper = lab.EarlyStopping(patience=1, min_delta=0.125, mode="max")
    check(steps(stopper, [0.5, 0.75, 0.875]) == [False, False, True] and stopper.best == 0.75,
          "mode='max', min_delta=0.125: a rise of exactly min_delta is not an improvement")
    stopper = lab.EarlyStopping(patience=1, min_delta=0.125, mode="max")
    check(steps(stopper, [-2.0, -1.75]) == [False, False] and stopper.best == -1.75, "mode='max' with negative scores")


@pytest.mark.points(2)
def test_early_stopping_patience_zero_nan_and_after_stop(lab):
    """patience=0 stops at the first bad step; NaN never improves; after stopping step() returns True and changes nothing."""
    stopper = lab.EarlyStopping(patience=0)
    check(steps(stopper, [3.0, 2.0, 2.5]) == [False, False, True], "patience=0: stop at the first step that does not improve")
    check(steps(stopper, [0.1, 0.05]) == [True, True], "after stopping, step() keeps returning True")
    check(stopper.best == 2.0 and stopper.best_step == 1 and stopper.num_bad_steps == 1,
          "after stopping, step() should change nothing")
    stopper = lab.EarlyStopping(patience=2)
    check(steps(stopper, [float("nan"), 1.0, float("nan")]) == [False, False, False], "NaN scores are bad steps")
    check(stopper.best == 1.0 and stopper.best_step == 1 and stopper.num_bad_steps == 1, "a NaN never becomes the best")
    stopper = lab.EarlyStopping(patience=1, mode="max")
    check(steps(stopper, [0.5, float("nan")]) == [False, True] and stopper.best == 0.5, "NaN is not an improvement (max)")


@pytest.mark.points(1)
def test_early_stopping_errors(lab):
    """EarlyStopping raises ValueError for a negative patience or min_delta, or an unknown mode."""
    lab.EarlyStopping(patience=0, min_delta=0.0, mode="max").step(1.0)  # valid: must not raise
    for kwargs in [dict(patience=-1), dict(min_delta=-0.01), dict(mode="minimum"), dict(mode="MAX")]:
        with pytest.raises(ValueError):
            lab.EarlyStopping(**kwargs)


# ---- 5. FLOPs ----------------------------------------------------------------------------------------------


def counted(fn, *args):
    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return counter


MATMUL_SHAPES = [((4, 5), (5, 6)), ((3, 4, 5), (5, 6)), ((4, 5), (3, 5, 6)), ((2, 1, 4, 5), (3, 5, 6)),
                 ((1, 4, 5), (2, 5, 6)), ((5,), (5, 6)), ((7,), (2, 7, 3)), ((2, 3, 1, 8), (1, 8, 9)), ((1, 1), (1, 1)),
                 ((0, 5), (5, 6))]


@pytest.mark.points(4)
def test_matmul_flops_matches_flop_counter(lab):
    """matmul_flops equals FlopCounterMode's count of torch.matmul (2*m*k*n per product, broadcast batch)."""
    results = lab.map(lab.matmul_flops, [(a, b) for a, b in MATMUL_SHAPES])
    for (a, b), got in zip(MATMUL_SHAPES, results):
        expected = counted(torch.matmul, torch.zeros(a), torch.zeros(b)).get_total_flops()
        check(type(got) is int, "matmul_flops should return a Python int")
        check(got == expected, f"matmul_flops({a}, {b}) differs from FlopCounterMode's count")
    check(lab.matmul_flops([64, 128], [128, 32]) == 2 * 64 * 128 * 32, "lists of dims work as shapes")
    check(lab.matmul_flops((2, int("300")), (int("300"), 3)) == 2 * 2 * 300 * 3, "(2, 300) @ (300, 3)")


@pytest.mark.points(1)
def test_matmul_flops_errors(lab):
    """matmul_flops raises ValueError for mismatched inner dims, a 1-D b, an empty a, batch dims that do not broadcast."""
    for a, b in [((4, 5), (6, 7)), ((4, 5), (5,)), ((), (5, 6)), ((2, 4, 5), (3, 5, 6)), ((5,), (4, 6))]:
        with pytest.raises(ValueError):
            lab.matmul_flops(a, b)


class Core(nn.Module):
    """softmax(Q K^T / sqrt(d_head)) V with a causal mask, as two explicit matmuls."""

    def forward(self, q, k, v):
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        t = q.shape[-2]
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        return scores.softmax(-1) @ v


class Attention(nn.Module):
    def __init__(self, d, n_head):
        super().__init__()
        self.n_head = n_head
        self.qkv, self.core, self.proj = nn.Linear(d, 3 * d), Core(), nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.n_head, d // self.n_head).permute(2, 0, 3, 1, 4)
        return self.proj(self.core(q, k, v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.ln1, self.attn, self.ln2 = nn.LayerNorm(d), Attention(d, c["n_head"]), nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, c["d_ff"]), nn.GELU(), nn.Linear(c["d_ff"], d))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Head(nn.Module):
    def __init__(self, wte):
        super().__init__()
        self.tied = [wte]  # a list: the tied embedding is not registered twice

    def forward(self, x):
        return F.linear(x, self.tied[0].weight)


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(c["vocab_size"], c["d_model"]), nn.Embedding(c["n_ctx"], c["d_model"])
        self.layers = nn.ModuleList(Block(c) for _ in range(c["n_layer"]))
        self.ln_f, self.head = nn.LayerNorm(c["d_model"]), Head(self.wte)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for layer in self.layers:
            x = layer(x)
        return self.head(self.ln_f(x))


CONFIGS = {
    "two_layers": dict(vocab_size=37, n_ctx=16, d_model=24, n_layer=2, n_head=4, d_ff=40),
    "three_layers_d_ff_not_4x": dict(vocab_size=53, n_ctx=12, d_model=16, n_layer=3, n_head=2, d_ff=24),
    "one_layer_wide_vocab": dict(vocab_size=301, n_ctx=9, d_model=8, n_layer=1, n_head=1, d_ff=32),
}
RUNS = {"two_layers": (3, 11), "three_layers_d_ff_not_4x": (2, 10), "one_layer_wide_vocab": (1, 5)}


def module_counts(counter):
    return {name.partition(".")[2]: sum(ops.values()) for name, ops in counter.get_flop_counts().items()}


def decoder_counts(case, backward=False):
    torch.manual_seed(0)
    config = CONFIGS[case]
    batch, seq = RUNS[case]
    model = Decoder(config)
    ids = torch.randint(0, config["vocab_size"], (batch, seq))
    counter = counted(lambda: model(ids).sum().backward() if backward else model(ids))
    return model, module_counts(counter), counter.get_total_flops()


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in CONFIGS])
def test_num_parameters(lab, case):
    """num_parameters: block weight matrices only (Kaplan); with include_embeddings, + wte and wpe (head tied)."""
    model, _, _ = decoder_counts(case)
    blocks = sum(p.numel() for n, p in model.named_parameters() if p.dim() == 2 and n.startswith("layers."))
    everything = sum(p.numel() for p in model.parameters() if p.dim() == 2)
    got = lab.num_parameters(CONFIGS[case])
    check(type(got) is int, "num_parameters should return a Python int")
    check(got == blocks, f"{case}: the non-embedding count differs from the blocks' weight matrices")
    check(lab.num_parameters(config=CONFIGS[case], include_embeddings=True) == everything,
          f"{case}: include_embeddings=True should add the token and position embeddings (the head is tied)")
    check(lab.num_parameters(CONFIGS[case], include_embeddings=False) == blocks, "include_embeddings=False is the default")


@pytest.mark.parametrize("case", [pytest.param("two_layers", marks=pytest.mark.points(3)),
                                  pytest.param("three_layers_d_ff_not_4x", marks=pytest.mark.points(3)),
                                  pytest.param("one_layer_wide_vocab", marks=pytest.mark.points(1))])
def test_forward_flops_match_flop_counter(lab, case):
    """forward_flops: each module's count equals FlopCounterMode's on a tiny decoder (per layer, head, total)."""
    config = CONFIGS[case]
    batch, seq = RUNS[case]
    _, counts, total = decoder_counts(case)
    got = lab.forward_flops(config, batch, seq)
    keys = ["qkv", "attention", "out_proj", "mlp", "layer", "head", "total"]
    check(isinstance(got, dict) and all(k in got for k in keys), f"forward_flops should return a dict with keys {keys}")
    check(all(type(got[k]) is int for k in keys), "forward_flops' values should be Python ints")
    modules = {"qkv": "attn.qkv", "attention": "attn.core", "out_proj": "attn.proj", "mlp": "mlp", "layer": ""}
    for i in range(config["n_layer"]):
        for key, module in modules.items():
            name = f"layers.{i}" + (f".{module}" if module else "")
            check(got[key] == counts[name], f"{case}: {key!r} differs from FlopCounterMode's count for {name}")
    check(got["head"] == counts["head"], f"{case}: 'head' differs from FlopCounterMode's count for the tied head")
    check(got["total"] == total, f"{case}: 'total' differs from FlopCounterMode's total")


@pytest.mark.points(1)
def test_forward_flops_errors(lab):
    """forward_flops raises ValueError for batch_size < 1, seq_len < 1 or seq_len > n_ctx (n_ctx itself is fine)."""
    config = CONFIGS["two_layers"]
    lab.forward_flops(config, 1, config["n_ctx"])  # valid: must not raise
    check(lab.forward_flops(config, 1, 1)["attention"] == 4 * config["d_model"], "seq_len=1: one query meets one key")
    for batch, seq in [(0, 4), (2, 0), (2, config["n_ctx"] + 1), (-1, 4)]:
        with pytest.raises(ValueError):
            lab.forward_flops(config, batch, seq)


@pytest.mark.parametrize("case", [pytest.param("two_layers", marks=pytest.mark.points(2)),
                                  pytest.param("three_layers_d_ff_not_4x", marks=pytest.mark.points(2))])
def test_flops_per_token_inference(lab, case):
    """flops_per_token = 2N + 4*n_layer*seq_len*d_model: FlopCounterMode's blocks per token; 2N without attention."""
    config = CONFIGS[case]
    batch, seq = RUNS[case]
    _, counts, total = decoder_counts(case)
    tokens = batch * seq
    per_token = (total - counts["head"]) // tokens
    got = lab.flops_per_token(config, seq_len=seq)
    check(type(got) is int, "flops_per_token should return a Python int")
    check(got == per_token, f"{case}: forward FLOPs per token differ from FlopCounterMode's (blocks only, no head)")
    n = sum(counts[f"layers.{i}"] - counts[f"layers.{i}.attn.core"] for i in range(config["n_layer"])) // tokens
    check(lab.flops_per_token(config, seq_len=seq, include_attention=False) == n,
          "include_attention=False: 2N, the weight matmuls only")
    full = lab.flops_per_token(config)
    check(full == lab.flops_per_token(config, seq_len=config["n_ctx"]) and full > got,
          "seq_len=None means config['n_ctx']")
    check(lab.flops_per_token(config, seq_len=seq, include_attention=True, training=False) == got,
          "the defaults are include_attention=True, training=False")


@pytest.mark.parametrize("case", [pytest.param("two_layers", marks=pytest.mark.points(2)),
                                  pytest.param("one_layer_wide_vocab", marks=pytest.mark.points(2))])
def test_flops_per_token_training(lab, case):
    """flops_per_token(training=True): forward + backward of the blocks per token, as FlopCounterMode counts (6N + ...)."""
    config = CONFIGS[case]
    batch, seq = RUNS[case]
    _, counts, total = decoder_counts(case, backward=True)
    tokens = batch * seq
    got = lab.flops_per_token(config=config, seq_len=seq, training=True)
    check(got == (total - counts["head"]) // tokens, f"{case}: training FLOPs per token differ from forward + backward")
    core = sum(counts[f"layers.{i}.attn.core"] for i in range(config["n_layer"])) // tokens
    check(lab.flops_per_token(config, seq_len=seq, training=True, include_attention=False) == got - core,
          "training without attention: 6N")


@pytest.mark.points(3)
def test_training_compute_and_compute_optimal(lab):
    """training_compute is 6ND; compute_optimal solves C = 6ND with D = tokens_per_parameter * N (default 20)."""
    got = lab.training_compute(1e9, 2e10)
    check(isinstance(got, float), "training_compute should return a float")
    assert_close(got, 1.2e20, atol=0.0, rtol=1e-12, what="training_compute(1e9 params, 2e10 tokens)")
    assert_close(lab.training_compute(7, 3), 126.0, atol=0.0, rtol=1e-12, what="training_compute(7, 3)")
    for compute, ratio in [(5.76e23, 20.0), (1e21, 20.0), (6.0 * 20 * 4.0, 20.0), (1e18, 5.0), (3e22, 100.0), (1000.0, 20.0),
                           (0.5, 20.0), (1e6, 0.5)]:
        n, d = lab.compute_optimal(compute, ratio)
        assert_close(6 * n * d, compute, atol=0.0, rtol=1e-9, what=f"6 * N * D for a budget of {compute:g}")
        assert_close(d / n, ratio, atol=0.0, rtol=1e-9, what=f"D / N with tokens_per_parameter={ratio}")
        assert_close(n, math.sqrt(compute / (6 * ratio)), atol=0.0, rtol=1e-9, what="N")
    n, d = lab.compute_optimal(480.0)
    check(isinstance(n, float) and isinstance(d, float), "compute_optimal should return two floats")
    assert_close(n, 2.0, atol=0.0, rtol=1e-12, what="N for C=480 with the default 20 tokens per parameter")
    assert_close(d, 40.0, atol=0.0, rtol=1e-12, what="D for C=480 with the default 20 tokens per parameter")
    for args in [(0.0,), (-1e20,), (1e20, 0.0), (1e20, -20.0)]:
        with pytest.raises(ValueError):
            lab.compute_optimal(*args)


@pytest.mark.points(3)
def test_mfu(lab):
    """mfu = tokens/second * flops_per_token / (peak_flops * n_devices)."""
    got = lab.mfu(6 * 7e9, 4e6, 2.0, 312e12, 8)
    check(isinstance(got, float), "mfu should return a float")
    assert_close(got, 4e6 / 2.0 * 6 * 7e9 / (312e12 * 8), atol=0.0, rtol=1e-9, what="MFU of 8 devices")
    assert_close(lab.mfu(2.0, 1000.0, 3.0, 1.0), 2000.0 / 3.0, atol=0.0, rtol=1e-9, what="MFU, a 3 s step")
    assert_close(lab.mfu(1e3, 512.0, 0.25, 8e6), 0.256, atol=0.0, rtol=1e-9, what="MFU with the default n_devices=1")
    assert_close(lab.mfu(1e3, 512.0, 4.0, 8e6, n_devices=2), 0.008, atol=0.0, rtol=1e-9, what="MFU, step of 4 s, 2 devices")
    check(lab.mfu(0.0, 0.0, 1.0, 1.0) == 0.0, "no work gives an MFU of 0")
    for args in [(1e3, 512.0, 0.0, 8e6), (1e3, 512.0, -1.0, 8e6), (1e3, 512.0, 1.0, 0.0), (1e3, 512.0, 1.0, -8e6),
                 (1e3, 512.0, 1.0, 8e6, 0), (-1.0, 512.0, 1.0, 8e6), (1e3, -1.0, 1.0, 8e6)]:
        with pytest.raises(ValueError):
            lab.mfu(*args)
