"""Public sanity checks for lab 26 (hyperparameters and compute).

Run with ``autograder test lab26_hyperparameters``. Passing these does not
mean the hidden tests pass: they check every rule of the docstrings (the
boundaries of the range test, early stopping and the search budget, the
documented random draws, every error) and compare the FLOP counts with
``torch.utils.flop_counter.FlopCounterMode`` on tiny decoders.
"""

from __future__ import annotations

import math

import torch
from torch.utils.flop_counter import FlopCounterMode

from autograder.testing import assert_close, check


def test_lr_range_test_sweep(lab):
    """LRRangeTest(1e-3, 1e-1, 3) uses 1e-3, 1e-2, 1e-1 (a geometric sweep), then stops."""
    test = lab.LRRangeTest(1e-3, 1e-1, 3)
    for loss in (1.0, 0.5, 0.4):
        test.record(loss)
    assert_close(test.lrs, [1e-3, 1e-2, 1e-1], atol=0.0, rtol=1e-9, what="the learning rates")
    check(test.done and not test.diverged, "after num_steps losses the test is done, without divergence")
    check(test.next_lr() is None, "next_lr() returns None once the test is done")


def test_lr_range_test_divergence(lab):
    """A loss above diverge_factor x the best so far stops the test."""
    test = lab.LRRangeTest(1e-3, 1.0, 10, diverge_factor=2.0)
    check([test.record(v) for v in (1.0, 0.5, 1.5)] == [False, False, True], "1.5 > 2 x 0.5 should stop the test")
    check(test.diverged, "the test should say it diverged")


def test_suggest_lr(lab):
    """suggest_lr picks the start of the steepest fall."""
    check(lab.suggest_lr([1e-4, 1e-3, 1e-2], [2.0, 1.0, 0.9]) == 1e-4, "the steepest segment starts at 1e-4")


def test_grid_configs_order(lab):
    """grid_configs: the first key varies slowest."""
    got = lab.grid_configs({"lr": [0.1, 0.01], "bs": [8, 16]})
    check(got == [{"lr": 0.1, "bs": 8}, {"lr": 0.1, "bs": 16}, {"lr": 0.01, "bs": 8}, {"lr": 0.01, "bs": 16}],
          "the grid is not in itertools.product order")


def test_random_configs_basic(lab):
    """random_configs: n distinct configs in range, the same for the same seed."""
    space = {"lr": {"low": 1e-5, "high": 1e-1, "log": True}, "bs": [8, 16, 32]}
    a = lab.random_configs(space, 5, 0)
    check(len(a) == 5 and all(a[i] != a[j] for i in range(5) for j in range(i)), "5 distinct configs expected")
    check(all(1e-5 <= c["lr"] < 1e-1 and c["bs"] in (8, 16, 32) for c in a), "a value is out of its range")
    check(lab.random_configs(space, 5, 0) == a, "the same seed should give the same configs")


def test_search_budget(lab):
    """Search hands out at most budget configs."""
    search = lab.Search([{"x": i} for i in range(5)], 2)
    asked = []
    while (config := search.ask()) is not None:
        asked.append(config)
        search.tell(float(config["x"]))
    check(asked == [{"x": 0}, {"x": 1}], "budget=2: the first two configs")
    check(list(search.best()) == [{"x": 0}, 0.0], "best() is the lowest score")


def test_early_stopping(lab):
    """EarlyStopping(patience=2) stops at the second step without improvement."""
    stopper = lab.EarlyStopping(patience=2)
    check([stopper.step(v) for v in (1.0, 0.9, 0.95, 0.92)] == [False, False, False, True], "wrong stopping step")
    check(stopper.best == 0.9 and stopper.best_step == 1, "best / best_step are wrong")


def test_matmul_flops(lab):
    """matmul_flops((4, 5), (5, 6)) is 2 * 4 * 5 * 6, as FlopCounterMode counts torch.matmul."""
    with FlopCounterMode(display=False) as counter:
        torch.matmul(torch.zeros(4, 5), torch.zeros(5, 6))
    check(lab.matmul_flops((4, 5), (5, 6)) == counter.get_total_flops() == 240, "matmul_flops((4, 5), (5, 6)) should be 240")


def test_counts_for_a_small_config(lab):
    """num_parameters, forward_flops and flops_per_token agree with 12 * n_layer * d^2 for d_ff = 4d."""
    config = dict(vocab_size=100, n_ctx=8, d_model=16, n_layer=2, n_head=2, d_ff=64)
    n = lab.num_parameters(config)
    check(n == 12 * 2 * 16 ** 2, "with d_ff = 4 * d_model, N = 12 * n_layer * d_model^2")
    flops = lab.forward_flops(config, 1, 8)
    check(flops["total"] == 2 * flops["layer"] + flops["head"], "total = n_layer * layer + head")
    check(lab.flops_per_token(config, include_attention=False) == 2 * n, "without attention, 2N per token")
    check(lab.flops_per_token(config, include_attention=False, training=True) == 6 * n, "training: 6N per token")


def test_compute_optimal_and_mfu(lab):
    """compute_optimal gives 6ND = C with D = 20N; mfu divides achieved by peak FLOP/s."""
    n, d = lab.compute_optimal(1.2e21)
    check(math.isclose(6 * n * d, 1.2e21, rel_tol=1e-9) and math.isclose(d, 20 * n, rel_tol=1e-9), "C = 6ND, D = 20N")
    check(math.isclose(lab.mfu(6e9, 1e5, 1.0, 1e15), 0.6, rel_tol=1e-9), "1e5 tokens/s x 6e9 FLOP / 1e15 FLOP/s = 0.6")
