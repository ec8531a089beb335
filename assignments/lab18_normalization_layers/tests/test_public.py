"""Public sanity checks for lab 18 (normalization layers).

Run with ``autograder test lab18_normalization_layers`` or
``pytest assignments/lab18_normalization_layers``. Passing these does not mean
the hidden tests pass: they also compare with PyTorch over several trailing
dims, without affine parameters, at large offsets, in bfloat16 and float16,
check the hand-written backward passes in float64, the modules' state dicts
and the experiment.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_layer_norm_by_hand(lab):
    """LayerNorm of [1, 2, 3, 4] (eps=0) is (x - 2.5) / sqrt(1.25): the biased variance."""
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]], dtype=torch.float64)
    out = lab.layer_norm_forward(x, (4,), None, None, 0.0)
    check(torch.is_tensor(out), "layer_norm_forward should return a tensor")
    check(out.shape == x.shape and out.dtype == x.dtype, "layer_norm_forward should keep the shape and dtype of x")
    expected = (x - 2.5) / math.sqrt(1.25)
    assert_close(out, expected, atol=1e-12, rtol=1e-12, what="LayerNorm of [1, 2, 3, 4] (did you divide by N, not N - 1?)")


def test_rms_norm_by_hand(lab):
    """RMSNorm of [3, 4] (eps=0) divides by sqrt((9 + 16) / 2): no mean is subtracted."""
    x = torch.tensor([[3.0, 4.0]], dtype=torch.float64)
    out = lab.rms_norm_forward(x, (2,), None, 0.0)
    assert_close(out, x / math.sqrt(12.5), atol=1e-12, rtol=1e-12, what="RMSNorm of [3, 4]")


def test_forwards_match_torch(lab):
    """With weight and bias, both forwards match torch's functional versions on a small float32 example."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 8, generator=g)
    w, b = torch.rand(8, generator=g) + 0.5, torch.randn(8, generator=g)
    tol = dict(atol=1e-5, rtol=1e-5)
    assert_close(lab.layer_norm_forward(x, (8,), w, b), F.layer_norm(x, (8,), w, b), **tol, what="layer_norm_forward")
    assert_close(lab.rms_norm_forward(x, (8,), w, 1e-6), F.rms_norm(x, (8,), w, 1e-6), **tol, what="rms_norm_forward")


def test_layer_norm_backward_matches_autograd(lab):
    """layer_norm_backward returns (grad_x, grad_weight, grad_bias) equal to autograd through F.layer_norm (float64)."""
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, 5, dtype=torch.float64, generator=g)
    w, b = torch.rand(5, dtype=torch.float64, generator=g) + 0.5, torch.randn(5, dtype=torch.float64, generator=g)
    grad_out = torch.randn(2, 5, dtype=torch.float64, generator=g)
    leaves = [t.clone().requires_grad_(True) for t in (x, w, b)]
    F.layer_norm(leaves[0], (5,), leaves[1], leaves[2]).backward(grad_out)
    result = lab.layer_norm_backward(grad_out, x, (5,), w, 1e-5)
    check(isinstance(result, (tuple, list)) and len(result) == 3, "layer_norm_backward should return three tensors")
    for name, actual, leaf in zip(("grad_x", "grad_weight", "grad_bias"), result, leaves):
        assert_close(actual, leaf.grad, atol=1e-9, rtol=1e-8, what=name)


def test_rms_norm_gradients_flow(lab):
    """rms_norm is differentiable: gradients reach x and weight, have their shapes and are finite."""
    x, w = torch.randn(4, 6), torch.ones(6)
    result = lab.vjp(lab.rms_norm, x, (6,), w, None, grad_output=torch.randn(4, 6), wrt=(0, 2))
    for name, grad, like in zip(("x", "weight"), result.grads, (x, w)):
        check(grad is not None, f"no gradient reached {name}")
        check(grad.shape == like.shape, f"the gradient for {name} should have the shape of {name}")
        check(bool(torch.isfinite(grad).all()), f"the gradient for {name} is not finite")


def test_bfloat16_keeps_dtype(lab):
    """A bfloat16 input gives a bfloat16 output (computed in float32 inside)."""
    x = torch.randn(2, 16).bfloat16()
    for name in ("layer_norm_forward", "rms_norm_forward"):
        out = getattr(lab, name)(x, (16,))
        check(out.dtype == torch.bfloat16, f"{name} of a bfloat16 input should return bfloat16")


def test_module_state_dict_keys(lab):
    """LayerNorm has 'weight' and 'bias', RMSNorm has 'weight', like torch's modules."""
    check(set(lab.LayerNorm(8).state_dict()) == {"weight", "bias"}, "LayerNorm(8).state_dict() should have 'weight' and 'bias'")
    check(set(lab.RMSNorm(8).state_dict()) == {"weight"}, "RMSNorm(8).state_dict() should have the key 'weight'")
    out = lab.LayerNorm(8)(torch.randn(2, 3, 8))
    check(tuple(out.shape) == (2, 3, 8), "LayerNorm(8) should keep the input's shape")


def test_experiment_runs(lab, tmp_path, monkeypatch):
    """A short experiment returns three rows and writes a PNG file."""
    monkeypatch.chdir(tmp_path)
    table = lab.run_norm_experiment("curves.png", steps=5, seed=0)
    check(isinstance(table, list) and len(table) == 3, "run_norm_experiment should return a list of three dicts")
    check([row["norm"] for row in table] == ["layernorm", "rmsnorm", "none"], "the rows should be layernorm, rmsnorm, none")
    png = lab.get_file("curves.png")
    check(png[:8] == b"\x89PNG\r\n\x1a\n", "curves.png is not a PNG file")
