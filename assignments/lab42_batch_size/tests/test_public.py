"""Public sanity checks for lab 42 (batch size: LR scaling, LAMB, noise scale, throughput).

Run with ``autograder test lab42_batch_size``. Passing these does not mean
the hidden tests pass: those run LAMB for many steps against its formula
(several dtypes, magnitudes, parameter groups, zero norms), check the noise
scale estimators exactly and on synthetic gradients with a known answer,
and replay your throughput runs' losses.
"""

from __future__ import annotations

import math

import torch

from autograder.testing import assert_close, check


def test_scaling_rules_on_round_numbers(lab):
    """Going from batch 100 to 400 multiplies the lr by 4 (linear) or 2 (sqrt)."""
    assert_close(lab.scale_lr(0.01, 100, 400, "linear"), 0.04, atol=1e-15, rtol=0, what="the linear rule")
    assert_close(lab.scale_lr(0.01, 100, 400, "sqrt"), 0.02, atol=1e-15, rtol=0, what="the square-root rule")
    check(isinstance(lab.scale_lr(1, 2, 2), float), "scale_lr returns a float")


def test_lamb_first_step_moves_by_lr_times_weight_norm(lab):
    """On LAMB's first step each tensor moves by lr * ||w|| (the trust ratio makes the step relative)."""
    torch.manual_seed(0)
    w = [torch.randn(6, 4, dtype=torch.float64), 3.0 * torch.randn(5, dtype=torch.float64)]
    g = [1e-3 * torch.randn(6, 4, dtype=torch.float64), 1e3 * torch.randn(5, dtype=torch.float64)]
    new, state = lab.lamb_step(w, g, {}, lr=0.1, weight_decay=0.0)
    for a, b in zip(w, new):
        assert_close(float((b - a).norm()), 0.1 * float(a.norm()), atol=1e-12, rtol=1e-9, what="the size of the first step")
    check(state["step"] == 1 and len(state["trust_ratio"]) == 2, "the state counts steps and keeps one trust ratio per tensor")


def test_lamb_zero_weights_do_not_give_nan(lab):
    """A tensor of zeros (a bias at init) still learns: trust ratio 1, no nan."""
    new, state = lab.lamb_step([torch.zeros(3)], [torch.tensor([1.0, -1.0, 2.0])], {}, lr=0.01)
    check(bool(torch.isfinite(new[0]).all()) and float(new[0].abs().sum()) > 0, "zero weights should move and stay finite")
    check(state["trust_ratio"][0] == 1.0, "the trust ratio of a zero tensor is 1")


def test_noise_scale_of_consistent_norms(lab):
    """Norms built from |G|^2 = 1 and tr(Sigma) = 20 give back 1, 20 and B_simple = 20."""
    small, big = 1 + 20 / 5, 1 + 20 / 50
    out = lab.noise_scale_from_norms(small, big, 5, 50)
    for key, value in (("grad_sq", 1.0), ("trace", 20.0), ("b_simple", 20.0)):
        assert_close(out[key], value, atol=1e-9, rtol=1e-9, what=key)


def test_noise_scale_from_per_example_gradients(lab):
    """With identical per-example gradients there is no noise: tr(Sigma) = 0 and B_simple = 0."""
    rows = torch.tensor([[1.0, 2.0, -2.0]]).repeat(16, 1)
    out = lab.gradient_noise_scale(rows, 2, 8)
    assert_close(out["grad_sq"], 9.0, atol=1e-9, rtol=0, what="|G|^2 of identical rows")
    assert_close(out["trace"], 0.0, atol=1e-9, rtol=0, what="the trace of identical rows")
    check(math.isclose(lab.mean_sq_grad_norm(rows, 4), 9.0), "mean_sq_grad_norm of identical rows is their squared norm")


def test_throughput_rows_have_the_documented_shape(lab):
    """measure_throughput returns one row per batch size with warmup + repeats losses and repeats timings."""
    torch.manual_seed(1)
    x, y = torch.randn(90, 3), torch.randn(90, 2)
    rows = lab.measure_throughput([2, 10], x, y, warmup=1, repeats=3)
    check([r["batch_size"] for r in rows] == [2, 10], "one row per batch size, in order")
    for r in rows:
        check(len(r["losses"]) == 4 and len(r["step_times"]) == 3, "4 losses (1 warm-up + 3) and 3 timings per row")
        check(r["samples_per_s"] > 0, "samples per second should be positive")
