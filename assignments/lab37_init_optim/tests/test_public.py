"""Public sanity checks for lab 37 (initialisation and optimisers from scratch).

Run with ``autograder test lab37_init_optim``. Passing these does not mean
the hidden tests pass: those check every initialiser statistically for many
shapes, gains, slopes and modes, GPT-2's scheme on a real GPT2LMHeadModel,
and SGD/AdamW against torch.optim step by step for 100 steps with many
hyperparameter combinations, parameter groups, float64 and AMSGrad.
"""

from __future__ import annotations

import math

import torch

from autograder.testing import assert_close, check


def test_gains_of_relu_and_tanh(lab):
    """calculate_gain('relu') is sqrt(2) and calculate_gain('tanh') is 5/3."""
    assert_close(lab.calculate_gain("relu"), math.sqrt(2.0), atol=1e-9, rtol=0.0, what="the gain of relu")
    assert_close(lab.calculate_gain("tanh"), 5 / 3, atol=1e-9, rtol=0.0, what="the gain of tanh")


def test_fans_of_a_linear_weight(lab):
    """A (10, 3) weight (3 inputs, 10 outputs) has fan_in 3 and fan_out 10."""
    check(tuple(lab.fan_in_fan_out((10, 3))) == (3, 10), "fan_in_fan_out((10, 3)) should be (3, 10)")


def test_xavier_uniform_stays_in_its_bound(lab):
    """Every entry of xavier_uniform((300, 200)) lies within sqrt(6 / 500)."""
    limit = math.sqrt(6 / 500)
    w = lab.xavier_uniform((300, 200), seed=1)
    check(tuple(w.shape) == (300, 200), "xavier_uniform returned the wrong shape")
    check(float(w.abs().max()) <= limit * 1.000001, "xavier_uniform produced an entry outside its bound")
    check(float(w.abs().max()) > 0.95 * limit, "xavier_uniform's entries do not reach near the bound")


def test_kaiming_normal_spread(lab):
    """kaiming_normal((400, 500)) with the defaults has a std close to sqrt(2 / 500)."""
    w = lab.kaiming_normal((400, 500), seed=2)
    spread = float(w.double().std())
    check(abs(spread / math.sqrt(2 / 500) - 1) < 0.05, "kaiming_normal's standard deviation is off by more than 5 %")


def test_gpt2_init_rules(lab):
    """gpt2_init: a bias is zeros, a norm weight ones, c_proj weights use a smaller std than other matrices."""
    shapes = {"h.0.attn.c_attn.weight": (200, 600), "h.0.attn.c_proj.weight": (200, 200), "h.0.ln_1.weight": (200,), "h.0.ln_1.bias": (200,)}
    out = lab.gpt2_init(shapes, 2)
    check(bool((out["h.0.ln_1.bias"] == 0).all()), "biases should start at 0")
    check(bool((out["h.0.ln_1.weight"] == 1).all()), "LayerNorm weights should start at 1")
    ratio = float(out["h.0.attn.c_proj.weight"].std() / out["h.0.attn.c_attn.weight"].std())
    check(abs(ratio - 0.5) < 0.05, "with n_layer = 2, c_proj's std should be half of the others' (1 / sqrt(4))")


def test_decay_groups_small_model(lab):
    """A linear layer and a LayerNorm: only the linear weight is decayed."""
    groups = lab.decay_groups({"fc.weight": (4, 3), "fc.bias": (4,), "ln.weight": (4,)}, 0.1)
    check(list(groups[0]["params"]) == ["fc.weight"], "only the 2-D weight should be in the decay group")
    check(list(groups[1]["params"]) == ["fc.bias", "ln.weight"], "the bias and the norm weight belong to the no-decay group")


def test_a_few_adamw_steps_like_torch(lab):
    """Three adamw_step calls follow torch.optim.AdamW."""
    torch.manual_seed(0)
    weights = [torch.randn(4, 3), torch.randn(3)]
    mirror = [torch.nn.Parameter(w.clone()) for w in weights]
    opt = torch.optim.AdamW(mirror, lr=0.01, weight_decay=0.1)
    state = {}
    for _ in range(3):
        grads = [torch.randn_like(w) for w in weights]
        for m, g in zip(mirror, grads):
            m.grad = g.clone()
        opt.step()
        weights, state = lab.adamw_step(weights, grads, state, lr=0.01, weight_decay=0.1)
    check(state["step"] == 3, "after three steps state['step'] should be 3")
    for w, m in zip(weights, mirror):
        assert_close(w, m.detach(), atol=1e-6, rtol=1e-5, what="a parameter after three AdamW steps")


def test_sgd_momentum_class_like_torch(lab):
    """The SGD class with momentum 0.9 follows torch.optim.SGD for five steps."""
    torch.manual_seed(1)
    start = [torch.randn(5)]
    mirror = [torch.nn.Parameter(start[0].clone())]
    ref = torch.optim.SGD(mirror, lr=0.1, momentum=0.9)
    mine = lab.SGD(start, lr=0.1, momentum=0.9)
    for _ in range(5):
        g = torch.randn(5)
        mirror[0].grad = g.clone()
        ref.step()
        now = mine.step([g])
    assert_close(now[0], mirror[0].detach(), atol=1e-6, rtol=1e-5, what="the parameter after five SGD steps")
