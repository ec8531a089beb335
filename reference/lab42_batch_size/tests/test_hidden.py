"""Hidden tests for lab 42 (learning-rate scaling, LAMB, gradient noise scale, throughput).

Oracles:
* the scaling rules and the noise-scale estimators as closed formulas,
  evaluated here;
* LAMB (You et al. 2019, algorithm 2, phi = identity, per-tensor norms,
  ratio 1 when a norm is 0) written out below in float64, run on the same
  parameters and gradient sequence, compared step by step for 60 steps;
* the gradient noise scale on synthetic per-example gradients ``G + noise``
  with a known ``G`` and a known noise covariance, so that the true
  ``B_noise = tr(Sigma) / |G|^2`` is known (seed-robust tolerances: several
  standard deviations of the estimators);
* throughput: the losses the student's training loop reports equal those of
  the documented loop run here (model from ``torch.manual_seed(seed)``,
  plain SGD, consecutive rows); timings are only checked for consistency,
  never for speed.
"""

from __future__ import annotations

import math
import statistics
import time

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check

TOL = {torch.float32: dict(atol=2e-5, rtol=1e-4), torch.float64: dict(atol=1e-10, rtol=1e-10)}


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ---- scale_lr -------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_scale_lr_linear(lab):
    """scale_lr with rule='linear': k times the batch gives k times the learning rate, up and down."""
    cases = [(0.1, 32, 256), (3e-4, 512, 64), (1e-3, 7, 7), (0.5, 1, 3), (2, 4, 6), (6e-4, 256, 4096), (1.0, 3, 1)]
    results = lab.map(lab.scale_lr, [(lr, b0, b1, "linear") for lr, b0, b1 in cases])
    for (lr, b0, b1), got in zip(cases, results):
        check(isinstance(got, float), "scale_lr should return a Python float")
        assert_close(got, lr * b1 / b0, atol=0, rtol=1e-12, what=f"scale_lr({lr}, {b0}, {b1}, 'linear')")
    assert_close(lab.scale_lr(base_lr=0.2, base_batch=8, new_batch=2, rule="linear"), 0.05, atol=0, rtol=1e-12,
                 what="scale_lr called with keywords")


@pytest.mark.points(4)
def test_scale_lr_sqrt(lab):
    """scale_lr with rule='sqrt': k times the batch gives sqrt(k) times the learning rate, up and down."""
    cases = [(0.1, 32, 256), (3e-4, 512, 64), (1e-3, 7, 7), (0.5, 1, 4), (2, 4, 6), (6e-4, 256, 4096), (1.0, 9, 1)]
    results = lab.map(lab.scale_lr, [(lr, b0, b1, "sqrt") for lr, b0, b1 in cases])
    for (lr, b0, b1), got in zip(cases, results):
        check(isinstance(got, float), "scale_lr should return a Python float")
        assert_close(got, lr * math.sqrt(b1 / b0), atol=0, rtol=1e-12, what=f"scale_lr({lr}, {b0}, {b1}, 'sqrt')")
    assert_close(lab.scale_lr(0.4, new_batch=100, base_batch=25, rule="sqrt"), 0.8, atol=0, rtol=1e-12,
                 what="scale_lr(0.4, 25, 100, 'sqrt') called with keywords")


@pytest.mark.points(2)
def test_scale_lr_default_zero_and_large(lab):
    """scale_lr: the default rule is linear; base_lr 0 gives 0.0; huge batch ratios stay exact."""
    assert_close(lab.scale_lr(0.1, 256, 1024), 0.4, atol=0, rtol=1e-12, what="scale_lr(0.1, 256, 1024) with the default rule")
    for rule in ("linear", "sqrt"):
        got = lab.scale_lr(0, 16, 64, rule)
        check(isinstance(got, float) and got == 0.0, f"scale_lr(0, 16, 64, {rule!r}) should be 0.0")
        got = lab.scale_lr(0.0, 64, 16, rule)
        check(got == 0.0, f"scale_lr(0.0, 64, 16, {rule!r}) should be 0.0")
    assert_close(lab.scale_lr(1e-4, 1, 2**40, "linear"), 1e-4 * 2**40, atol=0, rtol=1e-12, what="scale_lr(1e-4, 1, 2**40)")
    assert_close(lab.scale_lr(1e-4, 2**40, 1, "sqrt"), 1e-4 / 2**20, atol=0, rtol=1e-12, what="scale_lr(1e-4, 2**40, 1, 'sqrt')")


@pytest.mark.points(3)
def test_scale_lr_errors(lab):
    """scale_lr: TypeError for non-int or bool batch sizes; ValueError for sizes < 1, negative lr, unknown rules."""
    assert_close(lab.scale_lr(0.1, 1, 1, "sqrt"), 0.1, atol=0, rtol=1e-12, what="scale_lr(0.1, 1, 1, 'sqrt')")
    for rule, factor in (("".join(["lin", "ear"]), 4.0), ("".join(["sq", "rt"]), 2.0)):
        assert_close(lab.scale_lr(0.1, 2, 8, rule), 0.1 * factor, atol=0, rtol=1e-12, what=f"scale_lr with rule {rule!r} (a string built at run time)")
    for args in ((0.1, 32.0, 64), (0.1, 32, 64.0), (0.1, True, 64), (0.1, 32, True), (0.1, "32", 64)):
        with pytest.raises(TypeError):
            lab.scale_lr(*args)
    for args in ((0.1, 0, 64), (0.1, 32, 0), (0.1, -4, 8), (0.1, 8, -4), (-0.1, 32, 64), (-1e-12, 1, 1),
                 (0.1, 32, 64, "Linear"), (0.1, 32, 64, "square_root"), (0.1, 32, 64, "none"), (0.1, 32, 64, None)):
        with pytest.raises(ValueError):
            lab.scale_lr(*args)


# ---- LAMB: the formula, in float64 ---------------------------------------------------------------


def lamb_formula(params, grads_seq, lr, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01):
    """LAMB written out in float64: the parameters and the trust ratios after every step."""
    b1, b2 = betas
    w = [p.double().clone() for p in params]
    m = [torch.zeros_like(x) for x in w]
    v = [torch.zeros_like(x) for x in w]
    history, ratios = [], []
    for t, grads in enumerate(grads_seq, start=1):
        step_ratios = []
        for i, g in enumerate(grads):
            g = g.double()
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1**t)
            v_hat = v[i] / (1 - b2**t)
            r = m_hat / (v_hat.sqrt() + eps) + weight_decay * w[i]
            wn, rn = float(w[i].norm()), float(r.norm())
            q = wn / rn if wn > 0 and rn > 0 else 1.0
            w[i] = w[i] - lr * q * r
            step_ratios.append(q)
        history.append([x.clone() for x in w])
        ratios.append(step_ratios)
    return history, ratios, m, v


def make_params(shapes, seed, dtype=torch.float32, scales=None):
    g = gen(seed)
    scales = scales or [1.0] * len(shapes)
    return [s * torch.randn(shape, generator=g, dtype=torch.float64).to(dtype) for shape, s in zip(shapes, scales)]


def grad_sequence(params, steps, seed, scales=None):
    """Random gradients whose size changes from step to step and from tensor to tensor."""
    g = gen(seed)
    scales = scales or [1.0] * len(params)
    out = []
    for k in range(steps):
        factor = (10.0 if k % 7 == 3 else 1.0) * (1 + 0.5 * math.sin(k))
        out.append([(factor * s * torch.randn(p.shape, generator=g, dtype=torch.float64)).to(p.dtype)
                    for p, s in zip(params, scales)])
    return out


def check_params(actual, expected, what, dtype):
    check(isinstance(actual, (list, tuple)) and len(actual) == len(expected), f"{what}: expected a list of {len(expected)} parameters")
    for i, (a, e) in enumerate(zip(actual, expected)):
        check(torch.is_tensor(a) and a.dtype == dtype and tuple(a.shape) == tuple(e.shape),
              f"{what}, parameter {i}: expected a tensor of the parameter's shape and dtype")
        assert_close(a.double(), e, **TOL[dtype], what=f"{what}, parameter {i}")


def check_ratios(actual, expected, what, dtype):
    check(isinstance(actual, (list, tuple)) and len(actual) == len(expected), f"{what}: expected one trust ratio per parameter")
    for i, (a, e) in enumerate(zip(actual, expected)):
        check(isinstance(a, float), f"{what}: trust ratios should be Python floats")
        assert_close(a, e, **TOL[dtype], what=f"{what}, trust ratio {i}")


SHAPES = [(24, 16), (16,), (3, 4, 5), ()]

LAMB_CASES = {
    "default": dict(kwargs={}, dtype=torch.float32, pscales=None, gscales=None),
    "decay_float64": dict(kwargs=dict(lr=0.02, weight_decay=0.1), dtype=torch.float64,
                          pscales=[1.0, 0.1, 5.0, 2.0], gscales=[1.0, 100.0, 0.01, 1.0]),
    "big_lr_betas_float64": dict(kwargs=dict(lr=0.1, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.5), dtype=torch.float64,
                                 pscales=[3.0, 1.0, 0.5, 1.0], gscales=[0.1, 1.0, 10.0, 1.0]),
    "beta1_zero_no_decay": dict(kwargs=dict(lr=0.05, betas=(0.0, 0.9), weight_decay=0.0), dtype=torch.float64,
                                pscales=None, gscales=[1.0, 1e-3, 1e3, 1.0]),
    "large_magnitudes": dict(kwargs=dict(lr=1e-2, weight_decay=0.01), dtype=torch.float32,
                             pscales=[1e3, 1e2, 1e3, 1e3], gscales=[1e4, 1e3, 1e4, 1e2]),
    "tiny_grads_eps": dict(kwargs=dict(lr=1e-2, eps=1e-6, weight_decay=0.0), dtype=torch.float64,
                           pscales=None, gscales=[1e-6, 1e-7, 1e-5, 1e-6]),
}


@pytest.mark.parametrize("case", list(LAMB_CASES))
@pytest.mark.points(3)
def test_lamb_step_matches_formula(lab, case):
    """lamb_step equals LAMB's formula (per-tensor trust ratio ||w|| / ||r||) step by step for 60 steps, state included."""
    spec = LAMB_CASES[case]
    dtype, kwargs = spec["dtype"], spec["kwargs"]
    params = make_params(SHAPES, 1, dtype, spec["pscales"])
    grads_seq = grad_sequence(params, 60, 2, spec["gscales"])
    full = dict(dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01), **kwargs)
    history, ratios, m, v = lamb_formula(params, grads_seq, **full)
    state, current = {}, params
    for k, grads in enumerate(grads_seq):
        current, state = lab.lamb_step(current, grads, state, **kwargs)
        if k in (0, 1, 2, 9, 59):
            check_params(current, history[k], f"lamb_step ({case}) after {k + 1} steps", dtype)
            check(isinstance(state, dict) and state.get("step") == k + 1, f"lamb_step ({case}): state['step'] should be {k + 1} after {k + 1} steps")
            check_ratios(state.get("trust_ratio"), ratios[k], f"lamb_step ({case}) step {k + 1}", dtype)
    check(set(state) == {"step", "exp_avg", "exp_avg_sq", "trust_ratio"}, "the state should have the keys exp_avg, exp_avg_sq, step, trust_ratio")
    check(type(state["step"]) is int, "state['step'] should be a Python int")
    for key, expected in (("exp_avg", m), ("exp_avg_sq", v)):
        for i, e in enumerate(expected):
            assert_close(state[key][i].double(), e, **TOL[dtype], what=f"lamb_step ({case}): state[{key!r}][{i}]")


@pytest.mark.points(4)
def test_lamb_trust_ratio_zero_norms(lab):
    """lamb_step: a zero weight or a zero update gets trust ratio 1 (never nan); decay alone shrinks w by (1 - lr)."""
    w = [torch.zeros(5, dtype=torch.float64), torch.zeros(3, dtype=torch.float64),
         torch.tensor([3.0, -4.0], dtype=torch.float64), torch.tensor([1.0, 2.0, 2.0], dtype=torch.float64)]
    g = [torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0], dtype=torch.float64), torch.zeros(3, dtype=torch.float64),
         torch.zeros(2, dtype=torch.float64), torch.tensor([0.3, -0.1, 0.2], dtype=torch.float64)]
    kwargs = dict(lr=0.1, weight_decay=0.2)
    history, ratios, _, _ = lamb_formula(w, [g, g, g], **dict(dict(betas=(0.9, 0.999), eps=1e-6), **kwargs))
    state, current = {}, w
    for k in range(3):
        current, state = lab.lamb_step(current, g, state, **kwargs)
        check(all(bool(torch.isfinite(p).all()) for p in current), "lamb_step produced nan or inf: a zero norm must give trust ratio 1")
        check_params(current, history[k], f"lamb_step with zero weights / zero gradients, step {k + 1}", torch.float64)
        check_ratios(state["trust_ratio"], ratios[k], f"lamb_step with zero weights / zero gradients, step {k + 1}", torch.float64)
    check(state["trust_ratio"][0] != 1.0 and state["trust_ratio"][1] == 1.0, "after a first step the zero weight is no longer zero")
    # zero gradient, decay only: r = wd * w, ratio 1 / wd, so w -> (1 - lr) * w
    out, st = lab.lamb_step([torch.tensor([3.0, 4.0], dtype=torch.float64)], [torch.zeros(2, dtype=torch.float64)], {},
                            lr=0.25, weight_decay=0.5)
    assert_close(out[0], torch.tensor([2.25, 3.0], dtype=torch.float64), atol=1e-12, rtol=1e-12,
                 what="lamb_step with a zero gradient and weight decay only")
    assert_close(st["trust_ratio"][0], 2.0, atol=1e-12, rtol=1e-12, what="the trust ratio ||w|| / (wd ||w||)")
    out, st = lab.lamb_step([torch.tensor([1.0, -2.0])], [torch.zeros(2)], {}, lr=0.5, weight_decay=0.0)
    check(torch.equal(out[0], torch.tensor([1.0, -2.0])) and st["trust_ratio"] == [1.0],
          "a zero gradient without weight decay: the weights stay, ratio 1.0")
    out, st = lab.lamb_step([torch.zeros(4)], [torch.zeros(4)], {}, lr=0.5)
    check(torch.equal(out[0], torch.zeros(4)) and st["trust_ratio"] == [1.0], "zero weights and zero gradient: the weights stay 0, ratio 1.0")


@pytest.mark.points(2)
def test_lamb_step_is_relative(lab):
    """lamb_step: each tensor moves by exactly lr * ||w|| on the first step, whatever the size of its gradient."""
    params = make_params([(10, 10), (7,), (4, 4)], 11, torch.float64, [1.0, 0.01, 50.0])
    grads = grad_sequence(params, 1, 12, [1e-4, 1e4, 1.0])[0]
    out, state = lab.lamb_step(params, grads, {}, lr=0.03, weight_decay=0.3)
    for i, (p, q) in enumerate(zip(params, out)):
        assert_close(float((q - p).norm()), 0.03 * float(p.norm()), atol=0, rtol=1e-9, what=f"||step|| of parameter {i}")


@pytest.mark.points(3)
def test_lamb_step_defaults_state_and_inputs(lab):
    """lamb_step: defaults lr 1e-3, betas (0.9, 0.999), eps 1e-6, weight_decay 0.01; arguments and state unchanged."""
    params = make_params(SHAPES, 3, torch.float64, [5.0, 1.0, 1.0, 1.0])
    grads_seq = grad_sequence(params, 3, 4, [1e-3, 1e-6, 1.0, 1.0])
    history, ratios, _, _ = lamb_formula(params, grads_seq, lr=1e-3)
    kept_p, kept_g = [p.clone() for p in params], [g.clone() for g in grads_seq[0]]
    current, state = lab.lamb_step(params, grads_seq[0], {})
    check_params(current, history[0], "lamb_step with the default hyperparameters", torch.float64)
    check(all(torch.equal(a, b) for a, b in zip(params, kept_p)) and all(torch.equal(a, b) for a, b in zip(grads_seq[0], kept_g)),
          "lamb_step must not modify the parameters or gradients it is given")
    kept = {k: ([t.clone() if torch.is_tensor(t) else t for t in val] if isinstance(val, list) else val) for k, val in state.items()}
    current2, state2 = lab.lamb_step(current, grads_seq[1], state)
    check(state["step"] == kept["step"] and all(torch.equal(a, b) for a, b in zip(state["exp_avg"], kept["exp_avg"]))
          and all(torch.equal(a, b) for a, b in zip(state["exp_avg_sq"], kept["exp_avg_sq"])),
          "lamb_step must not modify the state it is given")
    again, _ = lab.lamb_step(current, grads_seq[1], state)
    check(all(torch.equal(a, b) for a, b in zip(again, current2)), "lamb_step called twice with the same state should give the same result")
    check_params(current2, history[1], "lamb_step, second step with the default hyperparameters", torch.float64)
    check_ratios(state2["trust_ratio"], ratios[1], "lamb_step, second step", torch.float64)
    current3, _ = lab.lamb_step(params=current2, grads=grads_seq[2], state=state2, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)
    check_params(current3, history[2], "lamb_step, third step with the defaults passed explicitly", torch.float64)


@pytest.mark.points(2)
def test_lamb_step_errors(lab):
    """lamb_step raises ValueError for negative lr/eps/weight_decay, betas outside [0, 1) and mismatched gradients."""
    params = make_params([(3, 2), (2,)], 5)
    grads = grad_sequence(params, 1, 6)[0]
    out, _ = lab.lamb_step(params, grads, {}, lr=0.0, eps=0.0, weight_decay=0.0, betas=(0.0, 0.0))
    check(all(torch.equal(a, b) for a, b in zip(out, params)), "lr=0 should leave the parameters unchanged")
    bad = [dict(lr=-1e-3), dict(eps=-1e-8), dict(weight_decay=-0.1), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
           dict(betas=(-0.1, 0.9)), dict(betas=(0.9, -0.5)), dict(betas=(1.5, 0.9)), dict(betas=(0.9, 2.0))]
    for kwargs in bad:
        with pytest.raises(ValueError):
            lab.lamb_step(params, grads, {}, **kwargs)
    with pytest.raises(ValueError):
        lab.lamb_step(params, grads[:1], {})
    with pytest.raises(ValueError):
        lab.lamb_step(params, [grads[0], torch.zeros(3)], {})
    with pytest.raises(ValueError):
        lab.lamb_step(params, [torch.zeros(1, 2), grads[1]], {})
    with pytest.raises(ValueError):
        lab.lamb_step(params, grads + [torch.zeros(2)], {})
    many = [torch.full((), float(i + 1)) for i in range(300)]
    out, st = lab.lamb_step(many, [torch.ones(())] * 300, {}, lr=0.1)
    check(len(out) == 300 and len(st["trust_ratio"]) == 300, "lamb_step with 300 parameters returns 300 tensors and ratios")
    assert_close(torch.stack(out), 0.9 * torch.stack(many), atol=1e-6, rtol=1e-6, what="300 scalar parameters after one step (each moves by lr * |w|)")


@pytest.mark.points(5)
def test_lamb_class_groups_without_decay(lab):
    """LAMB with a decay group and a no-decay group (and per-group lr, betas, eps) equals the formula for 60 steps."""
    params = make_params([(12, 8), (8,), (8, 4), (4,), (4,)], 21, torch.float64, [1.0, 0.1, 2.0, 0.0, 1.0])
    grads_seq = grad_sequence(params, 60, 22, [1.0, 0.5, 3.0, 1.0, 0.1])
    groups = [{"params": [params[0], params[2]], "weight_decay": 0.3},
              {"params": [params[1], params[3]], "weight_decay": 0.0, "lr": 0.02, "betas": (0.5, 0.9)},
              {"params": [params[4]], "eps": 1e-2}]
    kwargs = dict(lr=0.05, weight_decay=0.1)
    order = [0, 2, 1, 3, 4]
    sub = [dict(idx=[0, 2], lr=0.05, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.3),
           dict(idx=[1, 3], lr=0.02, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.0),
           dict(idx=[4], lr=0.05, betas=(0.9, 0.999), eps=1e-2, weight_decay=0.1)]
    expected_hist, expected_ratios = [[] for _ in grads_seq], [[] for _ in grads_seq]
    for spec in sub:
        idx = spec.pop("idx")
        hist, rat, _, _ = lamb_formula([params[i] for i in idx], [[gs[i] for i in idx] for gs in grads_seq], **spec)
        for k in range(len(grads_seq)):
            expected_hist[k].extend(hist[k])
            expected_ratios[k].extend(rat[k])
    opt = lab.LAMB(groups, **kwargs)
    ratios = opt.trust_ratios()
    check(list(ratios) == [1.0] * 5, "LAMB.trust_ratios() before the first step should be 1.0 for every parameter")
    for k, grads in enumerate(grads_seq):
        out = opt.step([grads[i] for i in order])
        if k in (0, 1, 29, 59):
            check_params(out, expected_hist[k], f"LAMB with groups after {k + 1} steps", torch.float64)
            check_ratios(opt.trust_ratios(), expected_ratios[k], f"LAMB.trust_ratios() after {k + 1} steps", torch.float64)
    check(torch.equal(groups[0]["params"][0], params[0]), "LAMB must not modify the tensors it is given")


@pytest.mark.points(2)
def test_lamb_class_plain_list_defaults_and_positional(lab):
    """LAMB takes a plain list; its defaults are lamb_step's; positional arguments; state persists across step calls."""
    params = make_params([(7, 3), (3,)], 26, torch.float64)
    grads_seq = grad_sequence(params, 20, 27)
    opt = lab.LAMB(params)
    for grads in grads_seq:
        out = opt.step(grads=grads)
    history, _, _, _ = lamb_formula(params, grads_seq, lr=1e-3)
    check_params(out, history[-1], "LAMB(params) after 20 steps", torch.float64)
    opt = lab.LAMB(params, 0.05, (0.8, 0.9), 1e-4, 0.5)
    for grads in grads_seq[:3]:
        out = opt.step(grads)
    history, ratios, _, _ = lamb_formula(params, grads_seq[:3], lr=0.05, betas=(0.8, 0.9), eps=1e-4, weight_decay=0.5)
    check_params(out, history[-1], "LAMB(params, 0.05, (0.8, 0.9), 1e-4, 0.5) after 3 steps", torch.float64)
    check_ratios(opt.trust_ratios(), ratios[-1], "LAMB.trust_ratios() after 3 steps", torch.float64)


@pytest.mark.points(2)
def test_lamb_class_errors(lab):
    """LAMB raises ValueError for empty params, bad groups, bad hyperparameters and a wrong number of gradients."""
    params = make_params([(3, 2), (2,)], 28)
    opt = lab.LAMB(params, lr=0.1)
    check(len(opt.step([torch.ones(3, 2), torch.ones(2)])) == 2, "LAMB.step should return one tensor per parameter")
    with pytest.raises(ValueError):
        opt.step([torch.ones(3, 2)])
    with pytest.raises(ValueError):
        opt.step([torch.ones(3, 2), torch.ones(2), torch.ones(1)])
    with pytest.raises(ValueError):
        opt.step([torch.ones(3, 2), torch.ones(3)])
    for bad in (dict(lr=-1.0), dict(betas=(0.9, 1.5)), dict(eps=-1.0), dict(weight_decay=-0.1)):
        with pytest.raises(ValueError):
            lab.LAMB(params, **bad)
        with pytest.raises(ValueError):
            lab.LAMB([{"params": params[:1]}, {"params": params[1:], **bad}])
    with pytest.raises(ValueError):
        lab.LAMB([])
    with pytest.raises(ValueError):
        lab.LAMB(params, betas=(1.5, 0.9))
    # two groups, too few gradients: ValueError, and the first group must not have stepped
    two = lab.LAMB([{"params": params[:1], "lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-6, "weight_decay": 0.01},
                    {"params": params[1:], "lr": 0.1}])
    grads = grad_sequence(params, 1, 29)[0]
    with pytest.raises(ValueError):
        two.step(grads[:1])
    history, _, _, _ = lamb_formula(params, [grads], lr=0.1)
    check_params(two.step(grads), history[0], "LAMB after a refused step then a valid one", torch.float32)
    key = "".join(["par", "ams"])
    built = lab.LAMB([{key: params, "".join(["l", "r"]): 0.1}])
    check_params(built.step(grads), history[0], "LAMB with group keys built at run time", torch.float32)
    many = [torch.full((), float(i + 1)) for i in range(300)]
    big = lab.LAMB(many, lr=0.1)
    check(len(big.step([torch.ones(())] * 300)) == 300, "LAMB with 300 parameters")
    with pytest.raises(ValueError):
        big.step([torch.ones(())] * 299)
    with pytest.raises(ValueError):
        lab.LAMB([{"params": params, "momentum": 0.9}])
    with pytest.raises(ValueError):
        lab.LAMB([{"weight_decay": 0.0}])


# ---- gradient noise scale -------------------------------------------------------------------------


def formula(gs, gb, bs, bb):
    grad_sq = (bb * gb - bs * gs) / (bb - bs)
    trace = (gs - gb) / (1 / bs - 1 / bb)
    return grad_sq, trace, (trace / grad_sq if grad_sq > 0 else math.inf)


NORM_CASES = [
    (18.0, 3.0, 4, 64),          # |G|^2 = 2, tr = 64
    (10.5, 1.5, 1, 10),          # |G|^2 = 0.5, tr = 10
    (0.07, 0.03, 8, 32),
    (5.0, 4.0, 2, 3),
    (1e6, 2.5e5, 16, 1024),
    (2, 1, 1, 2),                # ints
    (3.25, 3.2, 100, 4000),
]


@pytest.mark.points(5)
def test_noise_scale_from_norms_exact(lab):
    """noise_scale_from_norms: |G|^2 and tr(Sigma) by McCandlish et al.'s unbiased formulas, B_simple = tr / |G|^2."""
    results = lab.map(lab.noise_scale_from_norms, NORM_CASES)
    for (gs, gb, bs, bb), got in zip(NORM_CASES, results):
        what = f"noise_scale_from_norms({gs}, {gb}, {bs}, {bb})"
        check(isinstance(got, dict) and set(got) == {"grad_sq", "trace", "b_simple"}, f"{what} should return a dict with grad_sq, trace, b_simple")
        check(all(isinstance(x, float) for x in got.values()), f"{what}: the values should be Python floats")
        for key, e in zip(("grad_sq", "trace", "b_simple"), formula(gs, gb, bs, bb)):
            assert_close(got[key], e, atol=1e-12, rtol=1e-10, what=f"{what}[{key!r}]")
    got = lab.noise_scale_from_norms(b_big=64, b_small=4, g_big_sq=3.0, g_small_sq=18.0)
    assert_close(got["b_simple"], 32.0, atol=0, rtol=1e-12, what="noise_scale_from_norms called with keywords")


@pytest.mark.points(2)
def test_noise_scale_from_norms_no_signal(lab):
    """noise_scale_from_norms: |G|^2 estimate zero or negative gives B_simple = inf; a negative trace is kept."""
    got = lab.noise_scale_from_norms(5.0, 1.25, 1, 4)      # grad_sq exactly 0
    assert_close(got["grad_sq"], 0.0, atol=1e-15, rtol=0, what="the |G|^2 estimate")
    check(got["b_simple"] == math.inf, "B_simple should be inf when the |G|^2 estimate is 0")
    got = lab.noise_scale_from_norms(9.0, 1.0, 1, 4)       # grad_sq negative
    check(got["grad_sq"] < 0 and got["b_simple"] == math.inf, "B_simple should be inf when the |G|^2 estimate is negative")
    got = lab.noise_scale_from_norms(1.0, 2.0, 2, 8)       # small batch measured a smaller norm: negative trace
    for key, e in zip(("grad_sq", "trace", "b_simple"), formula(1.0, 2.0, 2, 8)):
        assert_close(got[key], e, atol=1e-12, rtol=1e-12, what=f"a negative trace estimate: [{key!r}]")
    got = lab.noise_scale_from_norms(0.0, 0.0, 1, 2)
    check(got["grad_sq"] == 0.0 and got["trace"] == 0.0 and got["b_simple"] == math.inf, "all-zero norms: 0, 0 and inf")


@pytest.mark.points(2)
def test_noise_scale_from_norms_errors(lab):
    """noise_scale_from_norms: ValueError for b_small >= b_big, sizes < 1, negative norms; TypeError for non-int sizes."""
    lab.noise_scale_from_norms(2.0, 1.0, 1, 2)
    for args in ((2.0, 1.0, 4, 4), (2.0, 1.0, 8, 4), (2.0, 1.0, 0, 4), (2.0, 1.0, -2, 4), (-1.0, 1.0, 1, 4), (2.0, -1e-9, 1, 4)):
        with pytest.raises(ValueError):
            lab.noise_scale_from_norms(*args)
    for args in ((2.0, 1.0, 1.0, 4), (2.0, 1.0, 1, 4.0), (2.0, 1.0, True, 4)):
        with pytest.raises(TypeError):
            lab.noise_scale_from_norms(*args)


def direct_mean_sq(x, b):
    x = x.double()
    total = 0.0
    for start in range(0, x.shape[0], b):
        total += float(x[start : start + b].mean(dim=0).pow(2).sum())
    return total / (x.shape[0] // b)


@pytest.mark.points(3)
def test_mean_sq_grad_norm(lab):
    """mean_sq_grad_norm: the mean over consecutive batches of |batch-mean gradient|^2, in float64, B = 1 and B = N included."""
    g = gen(31)
    x = torch.randn(48, 7, generator=g, dtype=torch.float64) + torch.linspace(-1, 1, 7, dtype=torch.float64)
    for b in (1, 2, 3, 4, 6, 16, 48):
        got = lab.mean_sq_grad_norm(x, b)
        check(isinstance(got, float), "mean_sq_grad_norm should return a Python float")
        assert_close(got, direct_mean_sq(x, b), atol=1e-12, rtol=1e-12, what=f"mean_sq_grad_norm with batch_size {b}")
    big = (3e4 * torch.randn(32, 5, generator=g)).float() + 1e4
    assert_close(lab.mean_sq_grad_norm(big, 4), direct_mean_sq(big, 4), atol=0, rtol=1e-9,
                 what="mean_sq_grad_norm of float32 gradients of size 1e4 (computed in float64)")
    ordered = torch.cat([torch.ones(4, 3), -torch.ones(4, 3)])
    assert_close(lab.mean_sq_grad_norm(ordered, batch_size=4), 3.0, atol=1e-12, rtol=0,
                 what="mean_sq_grad_norm of 4 rows of ones then 4 of minus ones, batches of 4 (consecutive rows)")


@pytest.mark.points(2)
def test_mean_sq_grad_norm_errors(lab):
    """mean_sq_grad_norm: ValueError for a batch size that does not divide N, < 1, a non-2-D or empty tensor."""
    x = torch.randn(12, 3, generator=gen(32))
    lab.mean_sq_grad_norm(x, 12)
    for args in ((x, 5), (x, 24), (x, 0), (x, -3), (x.reshape(-1), 1), (x.reshape(2, 6, 3), 2), (torch.zeros(0, 3), 1)):
        with pytest.raises(ValueError):
            lab.mean_sq_grad_norm(*args)
    with pytest.raises(TypeError):
        lab.mean_sq_grad_norm(x, 2.0)


def synthetic(seed, d, grad_sq, variances, n):
    """n per-example gradients G + noise with |G|^2 = grad_sq and noise covariance diag(variances)."""
    g = gen(seed)
    direction = torch.randn(d, generator=g, dtype=torch.float64)
    big_g = direction / direction.norm() * math.sqrt(grad_sq)
    noise = torch.randn(n, d, generator=g, dtype=torch.float64) * variances.sqrt()
    return (big_g + noise).float()


SYNTH = {
    "isotropic": dict(d=40, grad_sq=1.0, variances=torch.full((40,), 0.8, dtype=torch.float64), b_small=2, b_big=64, n=64 * 250),
    "anisotropic": dict(d=60, grad_sq=4.0, variances=torch.linspace(0.1, 13.2, 60, dtype=torch.float64), b_small=8, b_big=128, n=128 * 150),
}


@pytest.mark.parametrize("case", list(SYNTH))
@pytest.mark.points(5)
def test_gradient_noise_scale_recovers_known_value(lab, case):
    """gradient_noise_scale on synthetic G + noise recovers |G|^2, tr(Sigma) and B_noise = tr / |G|^2 (several draws)."""
    spec = SYNTH[case]
    true_trace = float(spec["variances"].sum())
    true_b = true_trace / spec["grad_sq"]
    estimates = []
    for seed in (41, 42, 43):
        x = synthetic(seed, spec["d"], spec["grad_sq"], spec["variances"], spec["n"])
        got = lab.gradient_noise_scale(x, spec["b_small"], spec["b_big"])
        check(isinstance(got, dict) and {"grad_sq", "trace", "b_simple", "g_small_sq", "g_big_sq"} <= set(got),
              "gradient_noise_scale should return grad_sq, trace, b_simple, g_small_sq and g_big_sq")
        assert_close(got["grad_sq"], spec["grad_sq"], atol=0, rtol=0.12, what=f"the |G|^2 estimate ({case}, draw {seed - 40})")
        assert_close(got["trace"], true_trace, atol=0, rtol=0.06, what=f"the tr(Sigma) estimate ({case}, draw {seed - 40})")
        assert_close(got["b_simple"], true_b, atol=0, rtol=0.15, what=f"B_simple ({case}, draw {seed - 40})")
        estimates.append(got["b_simple"])
    assert_close(statistics.mean(estimates), true_b, atol=0, rtol=0.08, what=f"the mean of B_simple over three draws ({case})")


@pytest.mark.points(3)
def test_gradient_noise_scale_is_consistent(lab):
    """gradient_noise_scale returns the two measured norms and the formulas applied to them; errors as documented."""
    x = torch.randn(24, 5, generator=gen(51), dtype=torch.float64) + 0.3
    got = lab.gradient_noise_scale(x, 3, 8)
    gs, gb = direct_mean_sq(x, 3), direct_mean_sq(x, 8)
    assert_close(got["g_small_sq"], gs, atol=1e-12, rtol=1e-12, what="g_small_sq")
    assert_close(got["g_big_sq"], gb, atol=1e-12, rtol=1e-12, what="g_big_sq")
    for key, e in zip(("grad_sq", "trace", "b_simple"), formula(gs, gb, 3, 8)):
        assert_close(got[key], e, atol=1e-12, rtol=1e-10, what=f"gradient_noise_scale(x, 3, 8)[{key!r}]")
    got = lab.gradient_noise_scale(per_example_grads=x, b_small=1, b_big=24)
    assert_close(got["b_simple"], formula(direct_mean_sq(x, 1), direct_mean_sq(x, 24), 1, 24)[2], atol=1e-12, rtol=1e-10,
                 what="gradient_noise_scale with b_small=1, b_big=N (keywords)")
    for args in ((x, 8, 3), (x, 4, 4), (x, 5, 8), (x, 3, 16), (x, 0, 8)):
        with pytest.raises(ValueError):
            lab.gradient_noise_scale(*args)


def ema_formula(small, big, bs, bb, beta):
    eg = es = 0.0
    out = []
    for t, (s, b) in enumerate(zip(small, big), start=1):
        g2, tr, _ = formula(s, b, bs, bb)
        eg = beta * eg + (1 - beta) * g2
        es = beta * es + (1 - beta) * tr
        c = 1 - beta**t
        out.append((eg / c, es / c, es / c / (eg / c) if eg / c > 0 else math.inf))
    return out


def check_ema(got, expected, what):
    check(isinstance(got, list) and len(got) == len(expected), f"{what}: expected one dict per step")
    for t, (row, e) in enumerate(zip(got, expected), start=1):
        check(isinstance(row, dict) and set(row) == {"grad_sq", "trace", "b_simple"}, f"{what}: each step is a dict with grad_sq, trace, b_simple")
        check(all(isinstance(v, float) for v in row.values()), f"{what}: the values should be Python floats")
        for key, value in zip(("grad_sq", "trace", "b_simple"), e):
            if value == math.inf:
                check(row[key] == math.inf, f"{what}, step {t}: {key} should be inf")
            else:
                assert_close(row[key], value, atol=1e-12, rtol=1e-10, what=f"{what}, step {t}, {key}")


@pytest.mark.points(5)
def test_ema_noise_scale(lab):
    """ema_noise_scale: bias-corrected EMAs of tr and |G|^2 and their ratio; beta=0 is per-step; default 0.9; inf for no signal."""
    g = gen(61)
    small = [float(x) for x in 20.0 + 8.0 * torch.rand(40, generator=g, dtype=torch.float64)]
    big = [float(x) for x in 1.5 + 1.0 * torch.rand(40, generator=g, dtype=torch.float64)]
    for beta in (0.9, 0.5, 0.99):
        check_ema(lab.ema_noise_scale(small, big, 4, 64, beta), ema_formula(small, big, 4, 64, beta), f"ema_noise_scale with beta={beta}")
    check_ema(lab.ema_noise_scale(small, big, 4, 64), ema_formula(small, big, 4, 64, 0.9), "ema_noise_scale with the default beta")
    check_ema(lab.ema_noise_scale(small[:5], big[:5], 4, 64, beta=0.0), [formula(s, b, 4, 64) for s, b in zip(small[:5], big[:5])],
              "ema_noise_scale with beta=0 (the per-step estimates)")
    noisy_s = [18.0, 30.0, 18.0]
    noisy_b = [3.0, 1.0, 3.0]          # step 2 alone has a negative |G|^2 estimate
    got = lab.ema_noise_scale(noisy_s, noisy_b, 4, 64, 0.0)
    check(got[1]["b_simple"] == math.inf and got[0]["b_simple"] != math.inf, "a step whose |G|^2 estimate is <= 0 gives inf")
    check_ema(lab.ema_noise_scale(noisy_s, noisy_b, 4, 64, 0.9), ema_formula(noisy_s, noisy_b, 4, 64, 0.9), "ema_noise_scale through a noisy step")
    check_ema(lab.ema_noise_scale(noisy_s, noisy_b, 4, 64, 0.3), ema_formula(noisy_s, noisy_b, 4, 64, 0.3), "ema_noise_scale, beta=0.3, noisy step")
    check(lab.ema_noise_scale([], [], 1, 2) == [], "ema_noise_scale of no steps should be []")
    got = lab.ema_noise_scale(g_small_sq=[5.0, 9.0], g_big_sq=[1.25, 1.0], b_small=1, b_big=4, beta=0.5)
    check_ema(got, ema_formula([5.0, 9.0], [1.25, 1.0], 1, 4, 0.5), "ema_noise_scale with keywords (first |G|^2 estimate exactly 0)")


@pytest.mark.points(2)
def test_ema_noise_scale_errors(lab):
    """ema_noise_scale: ValueError for sequences of different lengths, beta outside [0, 1) and bad batch sizes."""
    lab.ema_noise_scale([2.0], [1.0], 1, 2, 0.0)
    check(len(lab.ema_noise_scale([2.0] * 300, [1.0] * 300, 1, 2)) == 300, "ema_noise_scale over 300 steps gives 300 values")
    with pytest.raises(ValueError):
        lab.ema_noise_scale([2.0] * 300, [1.0] * 301, 1, 2)
    with pytest.raises(ValueError):
        lab.ema_noise_scale([2.0], [1.0], 1, 2, 1.5)
    for args in (([2.0, 2.0], [1.0], 1, 2), ([2.0], [1.0], 1, 2, 1.0), ([2.0], [1.0], 1, 2, -0.1), ([2.0], [1.0], 2, 2), ([2.0, 2.0], [1.0], 1, 2),
                 ([2.0], [1.0], 4, 2), ([2.0], [-1.0], 1, 2), ([], [], 3, 1)):
        with pytest.raises(ValueError):
            lab.ema_noise_scale(*args)
    with pytest.raises(TypeError):
        lab.ema_noise_scale([2.0], [1.0], 1.0, 2)


# ---- throughput -----------------------------------------------------------------------------------


def expected_losses(inputs, targets, b, steps, d_hidden, lr, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(inputs.shape[1], d_hidden), nn.Tanh(), nn.Linear(d_hidden, targets.shape[1]))
    losses = []
    for k in range(steps):
        model.zero_grad()
        loss = F.mse_loss(model(inputs[k * b : (k + 1) * b]), targets[k * b : (k + 1) * b])
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-lr)
        losses.append(loss.item())
    return losses


def regression_data(n, d_in, d_out, seed):
    g = gen(seed)
    x = torch.randn(n, d_in, generator=g)
    w = torch.randn(d_in, d_out, generator=g) / math.sqrt(d_in)
    return x, torch.tanh(x @ w) + 0.05 * torch.randn(n, d_out, generator=g)


def check_rows(rows, batch_sizes, warmup, repeats):
    check(isinstance(rows, list) and len(rows) == len(batch_sizes), "measure_throughput should return one row per batch size")
    keys = {"batch_size", "lr", "losses", "step_times", "seconds_per_step", "samples_per_s"}
    for row, b in zip(rows, batch_sizes):
        check(isinstance(row, dict) and set(row) == keys, f"each row should be a dict with the keys {sorted(keys)}")
        check(row["batch_size"] == b, "the rows should follow the order of batch_sizes")
        check(len(row["losses"]) == warmup + repeats, "losses should hold warmup + repeats values (one per step, warm-up included)")
        check(len(row["step_times"]) == repeats, "step_times should hold the repeats timed steps only (warm-up excluded)")
        check(all(isinstance(t, float) and t > 0 for t in row["step_times"]), "step times should be positive floats")
        assert_close(row["seconds_per_step"], statistics.median(row["step_times"]), atol=0, rtol=1e-12,
                     what="seconds_per_step (the median of step_times)")
        assert_close(row["samples_per_s"], b / row["seconds_per_step"], atol=0, rtol=1e-12, what="samples_per_s")


@pytest.mark.points(3)
def test_throughput_rows(lab):
    """measure_throughput: one row per batch size in order; warm-up not timed; median step time; samples/s = B / median."""
    x, y = regression_data(64 * 6, 8, 3, 71)
    sizes = [4, 64, 1, 16, 4]
    start = time.perf_counter()
    rows = lab.measure_throughput(sizes, x, y, warmup=1, repeats=5, lr=0.01, d_hidden=8)
    wall = time.perf_counter() - start
    check_rows(rows, sizes, 1, 5)
    check(sum(sum(row["step_times"]) for row in rows) <= wall,
          "the timed steps add up to more than the whole call took: time each step as perf_counter() after minus before")
    rows = lab.measure_throughput([32, 8], x, y, warmup=3, repeats=2)
    check_rows(rows, [32, 8], 3, 2)
    check(lab.measure_throughput([], x, y) == [], "no batch sizes: no rows")


THROUGHPUT_CASES = {
    "linear": dict(sizes=[2, 8, 32], lr=0.01, base_batch=4, rule="linear", warmup=2, repeats=4, d_hidden=16, seed=3),
    "sqrt": dict(sizes=[64, 16], lr=0.2, base_batch=16, rule="sqrt", warmup=0, repeats=3, d_hidden=8, seed=5),
    "none": dict(sizes=[5, 20], lr=0.3, base_batch=1, rule=None, warmup=1, repeats=3, d_hidden=4, seed=7),
}


@pytest.mark.parametrize("case", list(THROUGHPUT_CASES))
@pytest.mark.points(3)
def test_throughput_really_trains(lab, case):
    """measure_throughput: the losses are those of the documented SGD loop with the scaled lr (the work was done)."""
    spec = dict(THROUGHPUT_CASES[case])
    sizes = spec.pop("sizes")
    x, y = regression_data(64 * 6, 6, 2, 72)
    rows = lab.measure_throughput(sizes, x, y, **spec)
    check_rows(rows, sizes, spec["warmup"], spec["repeats"])
    for row, b in zip(rows, sizes):
        lr = spec["lr"] if spec["rule"] is None else {"linear": spec["lr"] * b / spec["base_batch"],
                                                      "sqrt": spec["lr"] * math.sqrt(b / spec["base_batch"])}[spec["rule"]]
        assert_close(row["lr"], lr, atol=0, rtol=1e-12, what=f"the learning rate used for batch size {b} ({case})")
        losses = expected_losses(x, y, b, spec["warmup"] + spec["repeats"], spec["d_hidden"], lr, spec["seed"])
        assert_close(row["losses"], losses, atol=1e-6, rtol=1e-5, what=f"the losses for batch size {b} ({case})")


@pytest.mark.points(1)
def test_throughput_defaults(lab):
    """measure_throughput defaults: d_hidden 32, lr 0.01 at base_batch 1 scaled linearly, warmup 2, repeats 5, seed 0."""
    x, y = regression_data(16 * 7, 5, 2, 73)
    rows = lab.measure_throughput([16, 3], x, y)
    check_rows(rows, [16, 3], 2, 5)
    for row, b in zip(rows, [16, 3]):
        assert_close(row["lr"], 0.01 * b, atol=0, rtol=1e-12, what="the default learning rate scaling")
        assert_close(row["losses"], expected_losses(x, y, b, 7, 32, 0.01 * b, 0), atol=1e-6, rtol=1e-5,
                     what=f"the losses with the defaults, batch size {b}")


@pytest.mark.points(2)
def test_throughput_errors(lab):
    """measure_throughput: ValueError for too few rows, bad sizes, warmup < 0, repeats < 1, bad rule or lr; TypeError for float sizes."""
    x, y = regression_data(40, 4, 2, 74)
    rows = lab.measure_throughput([8], x, y, warmup=0, repeats=5)
    check(len(rows) == 1, "a valid call returns one row")
    rows = lab.measure_throughput([8, 1], x, y, warmup=4, repeats=1, d_hidden=1, base_batch=8, lr=0.0)
    check_rows(rows, [8, 1], 4, 1)
    for row, b in zip(rows, [8, 1]):
        check(row["lr"] == 0.0, "lr=0 stays 0 whatever the batch size")
        assert_close(row["losses"], expected_losses(x, y, b, 5, 1, 0.0, 0), atol=1e-6, rtol=1e-5,
                     what=f"the losses with d_hidden=1, lr=0, batch size {b}")
    for args, kwargs in (([9], dict(warmup=0, repeats=5)), ([4], dict(warmup=9, repeats=2)), ([0], {}), ([-2], {}),
                         ([4], dict(warmup=-1)), ([4], dict(repeats=0)), ([4], dict(rule="Linear")), ([], dict(rule="cube")),
                         ([], dict(lr=-0.1)), ([4], dict(base_batch=0)), ([4], dict(d_hidden=0))):
        with pytest.raises(ValueError):
            lab.measure_throughput(args, x, y, **kwargs)
    with pytest.raises(ValueError):
        lab.measure_throughput([4], x, y[:20])
    with pytest.raises(ValueError):
        lab.measure_throughput([4], x.reshape(-1), y)
    with pytest.raises(ValueError):
        lab.measure_throughput([4], x[:30], y)
    for bad_x, bad_y in ((x[:, 0], y), (x, y[:, 0]), (x.reshape(40, 2, 2), y), (x, y.reshape(40, 2, 1))):
        with pytest.raises(ValueError):
            lab.measure_throughput([4], bad_x, bad_y)
    with pytest.raises(ValueError):
        lab.measure_throughput([], x, y, repeats=0)
    for sizes in ([0], [-1]):
        with pytest.raises(ValueError):
            lab.measure_throughput(sizes, x, y, rule=None)
    with pytest.raises(TypeError):
        lab.measure_throughput([True], x, y, rule=None)
    rows = lab.measure_throughput(batch_sizes=[2], inputs=x, targets=y, rule=None)
    check(len(rows) == 1 and rows[0]["lr"] == 0.01, "measure_throughput called with keywords (rule=None keeps lr)")
    for sizes in ([4.0], [True]):
        with pytest.raises(TypeError):
            lab.measure_throughput(sizes, x, y)
