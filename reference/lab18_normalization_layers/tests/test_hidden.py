"""Hidden tests for lab 18 (normalization layers).

The oracles are ``torch.nn.functional.layer_norm`` / ``rms_norm`` and
``torch.nn.LayerNorm`` / ``torch.nn.RMSNorm``, with autograd through them for
the gradients; the student's code runs behind the ``lab`` fixture. Low
precision results are compared with torch's float32 computation cast to the
low precision dtype (the policy the student is asked to follow). The
experiment is checked for its shape, not its values.
"""

from __future__ import annotations

import math
import time

import pytest
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
F64_GRAD = dict(atol=1e-9, rtol=1e-8)
LOW = dict(atol=1e-2, rtol=1e-2)


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def affine(shape: tuple, seed: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """A weight around 1 and a bias around 0, both of shape ``shape``."""
    return 1 + 0.5 * randn(*shape, seed=seed, dtype=dtype), 0.5 * randn(*shape, seed=seed + 1, dtype=dtype)


def autograd_grads(fn, tensors: list, g: torch.Tensor) -> list:
    """Gradients of ``(fn(*leaves) * g).sum()`` for the tensors that are not None."""
    leaves = [None if t is None else t.clone().requires_grad_(True) for t in tensors]
    fn(*leaves).backward(g)
    return [None if t is None else t.grad for t in leaves]


def low_precision_expected(fn, x: torch.Tensor, *params: torch.Tensor | None) -> torch.Tensor:
    """``fn`` computed in float32 on the upcast inputs, cast back to x's dtype."""
    return fn(x.float(), *(None if p is None else p.float() for p in params)).to(x.dtype)


# ---- LayerNorm forward --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype",
    [
        pytest.param(torch.float32, id="float32", marks=pytest.mark.points(4)),
        pytest.param(torch.float64, id="float64", marks=pytest.mark.points(3)),
    ],
)
def test_layer_norm_matches_torch(lab, dtype):
    """layer_norm_forward with weight and bias matches F.layer_norm over the last dim (int or tuple normalized_shape)."""
    tol = F32 if dtype == torch.float32 else F64
    x = 2 + 3 * randn(4, 7, 16, seed=1, dtype=dtype)
    w, b = affine((16,), seed=2, dtype=dtype)
    expected = F.layer_norm(x, (16,), w, b)
    assert_close(lab.layer_norm_forward(x, (16,), w, b), expected, **tol, what="layer_norm_forward output")
    assert_close(lab.layer_norm_forward(x, 16, w, b), expected, **tol, what="output with an int normalized_shape")
    expected = F.layer_norm(x, (16,), w, b, eps=0.3)
    assert_close(lab.layer_norm_forward(x, (16,), w, b, eps=0.3), expected, **tol, what="output with eps=0.3")


@pytest.mark.points(2)
def test_layer_norm_several_trailing_dims(lab):
    """normalized_shape of two or three trailing dims normalises them together; no batch dims works too."""
    cases = [((3, 5, 6), (5, 6)), ((2, 2, 3, 4), (2, 3, 4)), ((5, 6), (5, 6))]
    for i, (shape, normalized) in enumerate(cases):
        x = 1 + 2 * randn(*shape, seed=10 + i)
        w, b = affine(normalized, seed=20 + 2 * i)
        assert_close(
            lab.layer_norm_forward(x, normalized, w, b),
            F.layer_norm(x, normalized, w, b),
            **F32,
            what=f"output for x of shape {shape}, normalized_shape {normalized}",
        )


@pytest.mark.points(3)
def test_layer_norm_optional_affine(lab):
    """Without weight and/or bias, layer_norm_forward matches F.layer_norm (missing weight = 1, missing bias = 0)."""
    x = -1 + 2 * randn(6, 12, seed=30)
    w, b = affine((12,), seed=31)
    for weight, bias, what in ((None, None, "no weight, no bias"), (w, None, "weight only"), (None, b, "bias only")):
        expected = F.layer_norm(x, (12,), weight, bias)
        assert_close(lab.layer_norm_forward(x, (12,), weight, bias), expected, **F32, what=f"output with {what}")


@pytest.mark.points(3)
def test_layer_norm_eps_inside_sqrt(lab):
    """eps is added to the variance inside the square root: checked on inputs whose variance is comparable to eps."""
    x = 1e-2 * randn(5, 32, seed=35, dtype=torch.float64)
    for eps in (1e-5, 1e-3):
        assert_close(
            lab.layer_norm_forward(x, (32,), eps=eps), F.layer_norm(x, (32,), eps=eps), **F64, what=f"output with eps={eps}"
        )


@pytest.mark.points(3)
def test_layer_norm_large_offset_float32(lab):
    """float32 inputs 1e4 + noise (large mean, unit spread) and 1e4 * noise give an accurate LayerNorm (two-pass variance)."""
    w, b = affine((256,), seed=40)
    for what, x in (
        ("1e4 + noise", 1e4 + randn(32, 256, seed=41)),
        ("1e4 * noise", 1e4 * randn(32, 256, seed=42)),
    ):
        out = lab.layer_norm_forward(x, (256,), w, b)
        check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), f"LayerNorm of {what} gave inf or NaN")
        exact = F.layer_norm(x.double(), (256,), w.double(), b.double()).float()
        assert_close(out, exact, atol=5e-3, rtol=1e-3, what=f"LayerNorm of {what} (float32)")


@pytest.mark.points(4)
def test_layer_norm_low_precision(lab):
    """LayerNorm of offset bfloat16 inputs and of float16 inputs near 1e3 is the float32 result cast back (dtype kept)."""
    x = (100 + 3 * randn(16, 256, seed=45)).bfloat16()
    w, b = (t.bfloat16() for t in affine((256,), seed=46))
    out = lab.layer_norm_forward(x, (256,), w, b)
    expected = low_precision_expected(lambda x, w, b: F.layer_norm(x, (256,), w, b), x, w, b)
    assert_close(out, expected, **LOW, what="LayerNorm of offset bfloat16 inputs")

    x = (500 * randn(16, 256, seed=47)).half()
    w, b = (t.half() for t in affine((256,), seed=48))
    out = lab.layer_norm_forward(x, (256,), w, b)
    check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), "LayerNorm of float16 inputs near 1e3 gave inf or NaN")
    expected = low_precision_expected(lambda x, w, b: F.layer_norm(x, (256,), w, b), x, w, b)
    assert_close(out, expected, **LOW, what="LayerNorm of float16 inputs near 1e3")


def cast_oracle(fn, x: torch.Tensor, *params):
    """``fn`` in the compute dtype of x (float32 for 16-bit floats), parameters converted to it, cast back to x's dtype."""
    cdt = torch.promote_types(x.dtype, torch.float32)
    return fn(x.to(cdt), *(None if p is None else p.to(cdt) for p in params)).to(x.dtype)


MIXED = [
    pytest.param(torch.float32, torch.float64, id="float32_x_float64_weight"),
    pytest.param(torch.float64, torch.float32, id="float64_x_float32_weight"),
    pytest.param(torch.bfloat16, torch.float32, id="bfloat16_x_float32_weight"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("x_dtype, w_dtype", MIXED)
def test_weight_dtype_differs_from_x(lab, x_dtype, w_dtype):
    """A weight and bias in another dtype than x: converted to x's compute dtype; outputs and gradients keep their own dtypes."""
    x = (2 + 3 * randn(4, 6, 16, seed=150)).to(x_dtype)
    w, b = (t.to(w_dtype) for t in affine((16,), seed=151))
    g = randn(4, 6, 16, seed=152).to(x_dtype)
    tol = LOW if x_dtype == torch.bfloat16 else (F32 if torch.float32 in (x_dtype,) else F64)
    ln = lambda x, w, b: F.layer_norm(x, (16,), w, b, 1e-5)  # noqa: E731
    rms = lambda x, w: F.rms_norm(x, (16,), w, 1e-6)  # noqa: E731
    assert_close(lab.layer_norm_forward(x, (16,), w, b), cast_oracle(ln, x, w, b), **tol, what="layer_norm_forward with mixed dtypes")
    assert_close(lab.rms_norm_forward(x, (16,), w, 1e-6), cast_oracle(rms, x, w), **tol, what="rms_norm_forward with mixed dtypes")

    cdt = torch.promote_types(x_dtype, torch.float32)
    expected = autograd_grads(ln, [x.to(cdt), w.to(cdt), b.to(cdt)], g.to(cdt))
    grad_x, grad_w, grad_b = lab.layer_norm_backward(g, x, (16,), w, 1e-5)
    grad_tol = LOW if x_dtype == torch.bfloat16 else dict(atol=1e-4, rtol=1e-4)
    assert_close(grad_x, expected[0].to(x_dtype), **grad_tol, what="layer_norm_backward grad_x (in x's dtype)")
    assert_close(grad_w, expected[1].to(w_dtype), **grad_tol, what="layer_norm_backward grad_weight (in the weight's dtype)")
    assert_close(grad_b, expected[2].to(w_dtype), **grad_tol, what="layer_norm_backward grad_bias (in the weight's dtype)")
    expected = autograd_grads(rms, [x.to(cdt), w.to(cdt)], g.to(cdt))
    grad_x, grad_w = lab.rms_norm_backward(g, x, (16,), w, 1e-6)
    assert_close(grad_x, expected[0].to(x_dtype), **grad_tol, what="rms_norm_backward grad_x (in x's dtype)")
    assert_close(grad_w, expected[1].to(w_dtype), **grad_tol, what="rms_norm_backward grad_weight (in the weight's dtype)")


@pytest.mark.points(2)
def test_named_values(lab):
    """eps=0 (not 'not given'), a normalised size of 1, normalized_shape as a list or torch.Size, and x with no batch dims."""
    x = 1e-3 * randn(5, 8, seed=155, dtype=torch.float64)  # variance 1e-6: eps=0 and eps=1e-5 differ a lot
    w, b = affine((8,), seed=156, dtype=torch.float64)
    assert_close(lab.layer_norm_forward(x, (8,), w, b, 0.0), F.layer_norm(x, (8,), w, b, 0.0), **F64, what="layer_norm_forward with eps=0.0")
    tiny = 1e-9 * randn(5, 8, seed=157, dtype=torch.float64)  # mean square 1e-18: eps=0 and eps=None differ a lot
    assert_close(lab.rms_norm_forward(tiny, (8,), w, 0.0), F.rms_norm(tiny, (8,), w, 0.0), atol=1e-9, rtol=1e-9, what="rms_norm_forward with eps=0.0")
    assert_close(lab.rms_norm_forward(tiny, (8,), w, None), F.rms_norm(tiny, (8,), w, None), atol=1e-9, rtol=1e-9, what="rms_norm_forward with eps=None")
    x1 = randn(4, 1, seed=158, dtype=torch.float64)
    w1, b1 = affine((1,), seed=159, dtype=torch.float64)
    assert_close(lab.layer_norm_forward(x1, (1,), w1, b1), F.layer_norm(x1, (1,), w1, b1), **F64, what="LayerNorm over a size-1 dim (the bias)")
    assert_close(lab.rms_norm_forward(x1, 1, w1, 1e-6), F.rms_norm(x1, (1,), w1, 1e-6), **F64, what="RMSNorm over a size-1 dim")
    x3 = randn(2, 3, 4, seed=160, dtype=torch.float64)
    w3, b3 = affine((3, 4), seed=161, dtype=torch.float64)
    expected = F.layer_norm(x3, (3, 4), w3, b3)
    assert_close(lab.layer_norm_forward(x3, [3, 4], w3, b3), expected, **F64, what="normalized_shape given as a list")
    assert_close(lab.layer_norm_forward(x3, torch.Size([3, 4]), w3, b3), expected, **F64, what="normalized_shape given as a torch.Size")
    assert_close(lab.rms_norm_forward(x3[0], [3, 4], w3, 1e-5), F.rms_norm(x3[0], (3, 4), w3, 1e-5), **F64, what="RMSNorm of x with no batch dims")


# ---- LayerNorm backward -------------------------------------------------------------------------


@pytest.mark.points(5)
def test_layer_norm_backward_matches_autograd(lab):
    """layer_norm_backward, called directly, gives grad_x, grad_weight, grad_bias as autograd through F.layer_norm (float64)."""
    x = 1 + 2 * randn(4, 6, 10, seed=50, dtype=torch.float64)
    w, b = affine((10,), seed=51, dtype=torch.float64)
    g = randn(4, 6, 10, seed=52, dtype=torch.float64)
    result = lab.layer_norm_backward(g, x, (10,), w, 1e-5)
    check(
        isinstance(result, (tuple, list)) and len(result) == 3,
        "layer_norm_backward should return (grad_x, grad_weight, grad_bias)",
    )
    expected = autograd_grads(lambda x, w, b: F.layer_norm(x, (10,), w, b, 1e-5), [x, w, b], g)
    for name, actual, exp in zip(("grad_x", "grad_weight", "grad_bias"), result, expected):
        assert_close(actual, exp, **F64_GRAD, what=name)


@pytest.mark.points(3)
def test_layer_norm_backward_without_weight(lab):
    """layer_norm_backward with weight=None, two trailing dims: grad_x without affine; grad_weight/bias as for weight 1, bias 0."""
    x = randn(3, 4, 5, seed=55, dtype=torch.float64)
    g = randn(3, 4, 5, seed=56, dtype=torch.float64)
    grad_x, grad_w, grad_b = lab.layer_norm_backward(g, x, (4, 5), None, 1e-3)
    (expected_x,) = autograd_grads(lambda x: F.layer_norm(x, (4, 5), eps=1e-3), [x], g)
    assert_close(grad_x, expected_x, **F64_GRAD, what="grad_x without weight")
    ones, zeros = torch.ones(4, 5, dtype=torch.float64), torch.zeros(4, 5, dtype=torch.float64)
    _, expected_w, expected_b = autograd_grads(lambda x, w, b: F.layer_norm(x, (4, 5), w, b, 1e-3), [x, ones, zeros], g)
    assert_close(grad_w, expected_w, **F64_GRAD, what="grad_weight without weight")
    assert_close(grad_b, expected_b, **F64_GRAD, what="grad_bias without weight")


@pytest.mark.points(3)
def test_layer_norm_function_gradients(lab):
    """layer_norm and LayerNormFunction.apply: output and gradients (x, weight, bias) match autograd through F.layer_norm."""
    x = 3 * randn(2, 5, 8, seed=60, dtype=torch.float64)
    w, b = affine((8,), seed=61, dtype=torch.float64)
    g = randn(2, 5, 8, seed=62, dtype=torch.float64)
    expected = autograd_grads(lambda x, w, b: F.layer_norm(x, (8,), w, b, 1e-4), [x, w, b], g)
    for name, fn in (("layer_norm", lab.layer_norm), ("LayerNormFunction.apply", lab.get("LayerNormFunction.apply"))):
        result = lab.vjp(fn, x, (8,), w, b, 1e-4, grad_output=g, wrt=(0, 2, 3))
        assert_close(result.output, F.layer_norm(x, (8,), w, b, 1e-4), **F64, what=f"the output of {name}")
        for what, actual, exp in zip(("x", "weight", "bias"), result.grads, expected):
            assert_close(actual, exp, **F64_GRAD, what=f"the gradient of {name} for {what}")


@pytest.mark.points(2)
def test_functions_with_missing_parameters(lab):
    """LayerNormFunction / RMSNormFunction with weight or bias None: gradients only for the tensors given (None for the rest)."""
    x = 1 + randn(3, 7, seed=63, dtype=torch.float64)
    w, b = affine((7,), seed=64, dtype=torch.float64)
    g = randn(3, 7, seed=71, dtype=torch.float64)
    ln_apply, rms_apply = lab.get("LayerNormFunction.apply"), lab.get("RMSNormFunction.apply")
    for weight, bias, wrt in ((w, None, (0, 2)), (None, b, (0, 3)), (None, None, (0,))):
        result = lab.vjp(ln_apply, x, (7,), weight, bias, 1e-5, grad_output=g, wrt=wrt)
        expected = autograd_grads(lambda x, w, b: F.layer_norm(x, (7,), w, b, 1e-5), [x, weight, bias], g)
        expected = [e for e in expected if e is not None]
        what = f"weight={'given' if weight is not None else 'None'}, bias={'given' if bias is not None else 'None'}"
        assert_close(result.output, F.layer_norm(x, (7,), weight, bias, 1e-5), **F64, what=f"LayerNormFunction output ({what})")
        for actual, exp in zip(result.grads, expected):
            assert_close(actual, exp, **F64_GRAD, what=f"a LayerNormFunction gradient ({what})")
    result = lab.vjp(rms_apply, x, (7,), None, None, grad_output=g, wrt=(0,))
    (expected,) = autograd_grads(lambda x: F.rms_norm(x, (7,)), [x], g)
    assert_close(result.grads[0], expected, **F64_GRAD, what="the RMSNormFunction gradient without weight, eps=None")


@pytest.mark.points(2)
def test_layer_norm_gradients_match_finite_differences(lab):
    """The gradients of layer_norm agree with finite differences of your own layer_norm_forward (float64)."""
    x = 1 + randn(3, 6, seed=65, dtype=torch.float64)
    w, b = affine((6,), seed=66, dtype=torch.float64)
    g = randn(3, 6, seed=67, dtype=torch.float64)
    dx = randn(3, 6, seed=68, dtype=torch.float64)
    dw, db = randn(6, seed=69, dtype=torch.float64), randn(6, seed=70, dtype=torch.float64)
    result = lab.vjp(lab.layer_norm, x, (6,), w, b, 1e-5, grad_output=g, wrt=(0, 2, 3))
    predicted = sum(float((grad * d).sum()) for grad, d in zip(result.grads, (dx, dw, db)))
    h = 1e-5

    def f(t: float) -> float:
        return float((lab.layer_norm_forward(x + t * dx, (6,), w + t * dw, b + t * db, 1e-5) * g).sum())

    assert_close(predicted, (f(h) - f(-h)) / (2 * h), atol=1e-6, rtol=1e-6, what="the directional derivative")


@pytest.mark.points(3)
def test_backward_low_precision(lab):
    """layer_norm_backward and rms_norm_backward on offset bfloat16 inputs give the float32 gradients cast to bfloat16."""
    x = (50 + 4 * randn(8, 128, seed=75)).bfloat16()
    w = (1 + 0.5 * randn(128, seed=76)).bfloat16()
    g = randn(8, 128, seed=77).bfloat16()
    expected = autograd_grads(lambda x, w: F.layer_norm(x, (128,), w), [x.float(), w.float()], g.float())
    grad_x, grad_w, _ = lab.layer_norm_backward(g, x, (128,), w, 1e-5)
    assert_close(grad_x, expected[0].bfloat16(), **LOW, what="LayerNorm grad_x (bfloat16)")
    assert_close(grad_w, expected[1].bfloat16(), **LOW, what="LayerNorm grad_weight (bfloat16)")

    x = (300 * randn(8, 128, seed=78)).half()
    expected = autograd_grads(lambda x, w: F.rms_norm(x, (128,), w), [x.float(), w.float()], g.float())
    grad_x, grad_w = lab.rms_norm_backward(g.half(), x, (128,), w.half(), None)
    check(bool(torch.isfinite(grad_x).all()), "RMSNorm grad_x of float16 inputs near 300 has inf or NaN")
    assert_close(grad_x, expected[0].half(), atol=1e-4, rtol=1e-2, what="RMSNorm grad_x (float16)")
    assert_close(grad_w, expected[1].half(), **LOW, what="RMSNorm grad_weight (float16)")


# ---- RMSNorm ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype",
    [
        pytest.param(torch.float32, id="float32", marks=pytest.mark.points(3)),
        pytest.param(torch.float64, id="float64", marks=pytest.mark.points(2)),
    ],
)
def test_rms_norm_matches_torch(lab, dtype):
    """rms_norm_forward with a weight matches F.rms_norm over the last dim (int or tuple normalized_shape, explicit eps)."""
    tol = F32 if dtype == torch.float32 else F64
    x = 1 + 2 * randn(4, 7, 16, seed=80, dtype=dtype)
    w, _ = affine((16,), seed=81, dtype=dtype)
    expected = F.rms_norm(x, (16,), w, 1e-6)
    assert_close(lab.rms_norm_forward(x, (16,), w, 1e-6), expected, **tol, what="rms_norm_forward output")
    assert_close(lab.rms_norm_forward(x, 16, w, 1e-6), expected, **tol, what="rms_norm_forward with an int normalized_shape")


@pytest.mark.points(3)
def test_rms_norm_several_dims_and_no_weight(lab):
    """RMSNorm over two or three trailing dims, and without a weight, matches F.rms_norm."""
    cases = [((3, 5, 6), (5, 6), True), ((2, 2, 3, 4), (2, 3, 4), True), ((4, 9), (9,), False)]
    for i, (shape, normalized, with_weight) in enumerate(cases):
        x = 0.5 + randn(*shape, seed=85 + i)
        w = affine(normalized, seed=90 + 2 * i)[0] if with_weight else None
        assert_close(
            lab.rms_norm_forward(x, normalized, w, 1e-5),
            F.rms_norm(x, normalized, w, 1e-5),
            **F32,
            what=f"output for x of shape {shape}, normalized_shape {normalized}, weight={'yes' if with_weight else 'None'}",
        )


@pytest.mark.points(3)
def test_rms_norm_eps(lab):
    """eps goes inside the square root; eps=None is the machine epsilon of the compute dtype (float32 for bfloat16)."""
    small = 1e-3 * randn(4, 16, seed=95, dtype=torch.float64)
    expected = F.rms_norm(small, (16,), None, 1e-5)
    assert_close(lab.rms_norm_forward(small, (16,), None, 1e-5), expected, **F64, what="output with eps=1e-5")
    for dtype, tol in ((torch.float64, F64), (torch.float32, F32)):
        x = small.to(dtype)
        expected = F.rms_norm(x, (16,), None, None)
        assert_close(lab.rms_norm_forward(x, (16,), None, None), expected, **tol, what=f"output with eps=None ({str(dtype)[6:]})")
    x = (1e-2 * randn(4, 16, seed=96)).bfloat16()
    assert_close(
        lab.rms_norm_forward(x, (16,), None, None),
        low_precision_expected(lambda x: F.rms_norm(x, (16,)), x),
        **LOW,
        what="output with eps=None (bfloat16)",
    )
    x = (1e-3 * randn(4, 16, seed=97)).half()  # mean square 1e-6: float16's own eps (1e-3) would dominate it
    assert_close(
        lab.rms_norm_forward(x, (16,), None, None),
        low_precision_expected(lambda x: F.rms_norm(x, (16,)), x),
        **LOW,
        what="output with eps=None (float16: float32's epsilon)",
    )


@pytest.mark.points(3)
def test_rms_norm_low_precision(lab):
    """RMSNorm of bfloat16 inputs and of float16 inputs near 1e3 (squares overflow float16) is the float32 result cast back."""
    x = (3 + 20 * randn(16, 256, seed=100)).bfloat16()
    w = affine((256,), seed=101)[0].bfloat16()
    expected = low_precision_expected(lambda x, w: F.rms_norm(x, (256,), w), x, w)
    assert_close(lab.rms_norm_forward(x, (256,), w), expected, **LOW, what="RMSNorm of bfloat16 inputs")

    x = (500 * randn(16, 256, seed=102)).half()
    out = lab.rms_norm_forward(x, (256,), w.half())
    check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), "RMSNorm of float16 inputs near 1e3 gave inf or NaN")
    expected = low_precision_expected(lambda x, w: F.rms_norm(x, (256,), w), x, w.half())
    assert_close(out, expected, **LOW, what="RMSNorm of float16 inputs near 1e3")


@pytest.mark.points(4)
def test_rms_norm_backward_matches_autograd(lab):
    """rms_norm_backward (called directly) gives grad_x and grad_weight equal to autograd through F.rms_norm (float64)."""
    x = 1 + 2 * randn(4, 6, 10, seed=105, dtype=torch.float64)
    w, _ = affine((10,), seed=106, dtype=torch.float64)
    g = randn(4, 6, 10, seed=107, dtype=torch.float64)
    result = lab.rms_norm_backward(g, x, (10,), w, 1e-6)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "rms_norm_backward should return (grad_x, grad_weight)")
    expected = autograd_grads(lambda x, w: F.rms_norm(x, (10,), w, 1e-6), [x, w], g)
    for name, actual, exp in zip(("grad_x", "grad_weight"), result, expected):
        assert_close(actual, exp, **F64_GRAD, what=name)

    x2, g2 = randn(3, 4, 5, seed=108, dtype=torch.float64), randn(3, 4, 5, seed=109, dtype=torch.float64)
    grad_x, grad_w = lab.rms_norm_backward(g2, x2, (4, 5), None, None)
    ones = torch.ones(4, 5, dtype=torch.float64)
    expected_x, expected_w = autograd_grads(lambda x, w: F.rms_norm(x, (4, 5), w), [x2, ones], g2)
    assert_close(grad_x, expected_x, **F64_GRAD, what="grad_x without weight, two trailing dims")
    assert_close(grad_w, expected_w, **F64_GRAD, what="grad_weight without weight, two trailing dims")


@pytest.mark.points(3)
def test_rms_norm_function_gradients(lab):
    """rms_norm and RMSNormFunction.apply: output and gradients for x and weight match autograd through F.rms_norm."""
    x = 3 * randn(2, 5, 8, seed=110, dtype=torch.float64)
    w, _ = affine((8,), seed=111, dtype=torch.float64)
    g = randn(2, 5, 8, seed=112, dtype=torch.float64)
    expected = autograd_grads(lambda x, w: F.rms_norm(x, (8,), w, 1e-4), [x, w], g)
    for name, fn in (("rms_norm", lab.rms_norm), ("RMSNormFunction.apply", lab.get("RMSNormFunction.apply"))):
        result = lab.vjp(fn, x, (8,), w, 1e-4, grad_output=g, wrt=(0, 2))
        assert_close(result.output, F.rms_norm(x, (8,), w, 1e-4), **F64, what=f"the output of {name}")
        for what, actual, exp in zip(("x", "weight"), result.grads, expected):
            assert_close(actual, exp, **F64_GRAD, what=f"the gradient of {name} for {what}")


@pytest.mark.points(2)
def test_rms_norm_gradients_match_finite_differences(lab):
    """The gradients of rms_norm agree with finite differences of your own rms_norm_forward (float64)."""
    x = 1 + randn(3, 6, seed=115, dtype=torch.float64)
    w, _ = affine((6,), seed=116, dtype=torch.float64)
    g = randn(3, 6, seed=117, dtype=torch.float64)
    dx, dw = randn(3, 6, seed=118, dtype=torch.float64), randn(6, seed=119, dtype=torch.float64)
    result = lab.vjp(lab.rms_norm, x, (6,), w, 1e-5, grad_output=g, wrt=(0, 2))
    predicted = sum(float((grad * d).sum()) for grad, d in zip(result.grads, (dx, dw)))
    h = 1e-5

    def f(t: float) -> float:
        return float((lab.rms_norm_forward(x + t * dx, (6,), w + t * dw, 1e-5) * g).sum())

    assert_close(predicted, (f(h) - f(-h)) / (2 * h), atol=1e-6, rtol=1e-6, what="the directional derivative")


# ---- input checks -------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_invalid_shapes_raise_value_error(lab):
    """Valid calls work; a normalized_shape that is empty, non-positive or not x's trailing shape, wrong weight/bias/grad_output shapes raise ValueError."""
    x = randn(2, 3, 4, seed=120)
    g = randn(2, 3, 4, seed=121)
    assert_close(lab.layer_norm_forward(x, (3, 4)), F.layer_norm(x, (3, 4)), **F32, what="a valid layer_norm_forward call")
    assert_close(lab.rms_norm_forward(x, (4,), torch.ones(4), 1e-6), F.rms_norm(x, (4,), torch.ones(4), 1e-6), **F32, what="a valid rms_norm_forward call")
    check(len(lab.layer_norm_backward(g, x, (4,), None, 1e-5)) == 3, "a valid layer_norm_backward call failed")
    check(len(lab.rms_norm_backward(g, x, (4,), None, None)) == 2, "a valid rms_norm_backward call failed")
    cases = {
        "layer_norm_forward, trailing dims (3, 4) vs normalized_shape (4, 3)": lambda: lab.layer_norm_forward(x, (4, 3)),
        "layer_norm_forward, trailing dim 4 vs normalized_shape (2,)": lambda: lab.layer_norm_forward(x, (2,)),
        "layer_norm_forward, normalized_shape longer than x.shape": lambda: lab.layer_norm_forward(x, (1, 2, 3, 4)),
        "layer_norm_forward, empty normalized_shape": lambda: lab.layer_norm_forward(x, ()),
        "layer_norm_forward, a 0-d x with an empty normalized_shape": lambda: lab.layer_norm_forward(torch.tensor(1.5), ()),
        "layer_norm_forward, a normalized size of 0": lambda: lab.layer_norm_forward(torch.zeros(3, 0), (0,)),
        "layer_norm_forward, weight of the wrong shape": lambda: lab.layer_norm_forward(x, (4,), torch.ones(3)),
        "layer_norm_forward, bias of the wrong shape": lambda: lab.layer_norm_forward(x, (4,), None, torch.ones(3, 4)),
        "rms_norm_forward, trailing dim 4 vs normalized_shape (5,)": lambda: lab.rms_norm_forward(x, (5,)),
        "rms_norm_forward, weight of the wrong shape": lambda: lab.rms_norm_forward(x, (3, 4), torch.ones(4)),
        "rms_norm_forward, empty normalized_shape": lambda: lab.rms_norm_forward(x, ()),
        "layer_norm_backward, grad_output with fewer rows": lambda: lab.layer_norm_backward(g[:1], x, (4,), None, 1e-5),
        "layer_norm_backward, grad_output with more rows": lambda: lab.layer_norm_backward(torch.cat([g, g]), x, (4,), None, 1e-5),
        "layer_norm_backward, weight of the wrong shape": lambda: lab.layer_norm_backward(g, x, (4,), torch.ones(5), 1e-5),
        "rms_norm_backward, grad_output with fewer rows": lambda: lab.rms_norm_backward(g[:1], x, (4,), None, None),
        "rms_norm_backward, grad_output with more features": lambda: lab.rms_norm_backward(torch.cat([g, g], -1), x, (4,), None, None),
        "rms_norm_backward, normalized_shape (3,) vs trailing 4": lambda: lab.rms_norm_backward(g, x, (3,), None, None),
    }
    for what, call in cases.items():
        with pytest.raises(ValueError):
            call()
            pytest.fail(f"no ValueError for {what}")


# ---- modules ------------------------------------------------------------------------------------


def state_shapes(sd: dict) -> dict:
    return {name: tuple(t.shape) for name, t in sd.items()}


@pytest.mark.points(3)
def test_module_parameters(lab):
    """LayerNorm/RMSNorm have torch's parameters (names, shapes, ones/zeros init) and attributes for every affine option."""
    cases = [
        ("LayerNorm", ([3, 4],), {}),
        ("LayerNorm", (6,), {"elementwise_affine": False, "bias": True, "eps": 1e-3}),
        ("LayerNorm", (6,), {"bias": False}),
        ("LayerNorm", (6,), {"elementwise_affine": False}),
        ("RMSNorm", ((3, 4),), {}),
        ("RMSNorm", (6,), {"elementwise_affine": False}),
        ("RMSNorm", (torch.Size([2, 3]),), {"eps": 1e-4}),
    ]
    for name, args, kwargs in cases:
        what = f"{name}({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kwargs.items())])})"
        mine, theirs = getattr(lab, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
        sd, expected = mine.state_dict(), theirs.state_dict()
        check(set(sd) == set(expected), f"{what}: the state_dict keys differ from torch's")
        check(state_shapes(sd) == state_shapes(expected), f"{what}: the parameter shapes differ from torch's")
        for name in expected:
            assert_close(sd[name], expected[name], atol=0, rtol=0, what=f"{what}: the initial {name}")
        shape = mine.normalized_shape
        check(isinstance(shape, tuple) and shape == theirs.normalized_shape, f"{what}: normalized_shape should be the tuple {theirs.normalized_shape}")
        check(mine.eps == theirs.eps and type(mine.eps) is type(theirs.eps), f"{what}: wrong eps attribute")
        check(mine.elementwise_affine is theirs.elementwise_affine, f"{what}: wrong elementwise_affine attribute")
    check(lab.LayerNorm(6, elementwise_affine=False).weight is None, "LayerNorm(elementwise_affine=False).weight should be None")
    check(lab.LayerNorm(6, bias=False).bias is None, "LayerNorm(bias=False).bias should be None")


@pytest.mark.points(3)
def test_modules_load_torch_state_dicts(lab):
    """State dicts load both ways between your modules and torch's, and the loaded modules give torch's outputs."""
    x = 2 + randn(3, 4, 10, seed=130)
    for name, theirs in (("LayerNorm", torch.nn.LayerNorm(10, eps=1e-4)), ("RMSNorm", torch.nn.RMSNorm(10, eps=1e-6))):
        with torch.no_grad():
            for i, p in enumerate(theirs.parameters()):
                p.copy_(randn(10, seed=131 + i))
        mine = getattr(lab, name)(10, eps=theirs.eps)
        mine.load_state_dict(theirs.state_dict())
        with torch.no_grad():
            expected = theirs(x)
        assert_close(mine(x), expected, **F32, what=f"{name} output after loading torch's state_dict")

        fresh = type(theirs)(10, eps=theirs.eps)
        mine_sd = {k: v for k, v in mine.state_dict().items()}
        fresh.load_state_dict(mine_sd)  # strict: the keys must match exactly
        for key, value in theirs.state_dict().items():
            what = f"{name} state_dict entry {key!r} loaded into torch"
            assert_close(fresh.state_dict()[key], value, atol=0, rtol=0, what=what)


@pytest.mark.points(4)
def test_module_gradients(lab):
    """Module forward and backward (float64): input and parameter gradients match torch.nn.LayerNorm / RMSNorm."""
    x = 1 + randn(2, 3, 4, 5, seed=140, dtype=torch.float64)
    g = randn(2, 3, 4, 5, seed=141, dtype=torch.float64)
    for name in ("LayerNorm", "RMSNorm"):
        theirs = getattr(torch.nn, name)((4, 5), eps=1e-5).double()
        with torch.no_grad():
            for i, p in enumerate(theirs.parameters()):
                p.copy_(affine((4, 5), seed=142 + 2 * i, dtype=torch.float64)[i % 2])
        mine = getattr(lab, name)((4, 5), eps=1e-5)
        mine.double()
        mine.load_state_dict(theirs.state_dict())
        result = lab.vjp(mine, x, grad_output=g, wrt=(0,), params=True)

        xr = x.clone().requires_grad_(True)
        out = theirs(xr)
        out.backward(g)
        assert_close(result.output, out.detach(), **F64, what=f"{name} output (float64)")
        assert_close(result.grads[0], xr.grad, **F64_GRAD, what=f"{name} gradient for x")
        expected = dict(theirs.named_parameters())
        check(set(result.param_grads) == set(expected), f"{name}: the parameter gradients are not for torch's parameters")
        for pname, p in expected.items():
            assert_close(result.param_grads[pname], p.grad, **F64_GRAD, what=f"{name} gradient for {pname}")


@pytest.mark.points(2)
def test_modules_mixed_precision(lab):
    """float32 modules on bfloat16 inputs: output in bfloat16 (computed in float32), weight gradients in float32; calls leave the parameters alone."""
    x = (3 + 2 * randn(4, 8, 16, seed=145)).bfloat16()
    g = randn(4, 8, 16, seed=146).bfloat16()
    for name in ("LayerNorm", "RMSNorm"):
        theirs = getattr(torch.nn, name)(16, eps=1e-5)
        with torch.no_grad():
            for i, p in enumerate(theirs.parameters()):
                p.copy_(affine((16,), seed=147 + 2 * i)[i % 2])
        mine = getattr(lab, name)(16, eps=1e-5)
        mine.load_state_dict(theirs.state_dict())
        result = lab.vjp(mine, x, grad_output=g, wrt=(0,), params=True)
        xr = x.float().requires_grad_(True)
        out = theirs(xr)
        out.backward(g.float())
        assert_close(result.output, out.detach().bfloat16(), **LOW, what=f"{name} output on bfloat16 input")
        assert_close(result.grads[0], xr.grad.bfloat16(), **LOW, what=f"{name} gradient for the bfloat16 x")
        for pname, p in theirs.named_parameters():
            assert_close(result.param_grads[pname], p.grad, atol=1e-2, rtol=1e-2, what=f"{name} gradient for {pname} (float32)")
        for key, value in theirs.state_dict().items():
            assert_close(mine.state_dict()[key], value, atol=0, rtol=0, what=f"{name}.{key} after a call")


# ---- the experiment -----------------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ROW_KEYS = {"norm", "steps", "losses", "final_loss", "seconds"}


def seeded_run(steps: int, seed: int, lr: float) -> list[dict]:
    """The docstring's recipe on torch's own nn.LayerNorm / nn.RMSNorm: the losses a correct run gives."""
    g = torch.Generator().manual_seed(seed)
    inputs = 5 + 4 * torch.randn(128, 8, generator=g)
    v = torch.randn(8, 1, generator=g) / math.sqrt(8)
    targets = torch.sin(2 * ((inputs - 5) / 4) @ v)

    class Block(torch.nn.Module):
        def __init__(self, norm):
            super().__init__()
            self.norm, self.fc1, self.fc2 = norm(), torch.nn.Linear(16, 64), torch.nn.Linear(64, 16)

        def forward(self, h):
            return h + self.fc2(F.gelu(self.fc1(self.norm(h))))

    rows = []
    for kind, norm in (("layernorm", lambda: torch.nn.LayerNorm(16)), ("rmsnorm", lambda: torch.nn.RMSNorm(16)), ("none", torch.nn.Identity)):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(8, 16), Block(norm), Block(norm), norm(), torch.nn.Linear(16, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        losses = []
        for _ in range(steps):
            loss = F.mse_loss(model(inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        with torch.no_grad():
            rows.append({"norm": kind, "losses": losses, "final_loss": F.mse_loss(model(inputs), targets).item()})
    return rows


def run_in(lab, folder, name: str, *args, **kwargs):
    """Call run_norm_experiment with a relative path, in a fresh working folder; return (table, png bytes)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        table = lab.run_norm_experiment(name, *args, **kwargs)
        return table, lab.get_file(name)


def check_table(table, steps: int) -> None:
    check(isinstance(table, list) and len(table) == 3, "run_norm_experiment should return a list of three dicts")
    check(all(isinstance(row, dict) for row in table), "each row of the table should be a dict")
    check([row.get("norm") for row in table] == ["layernorm", "rmsnorm", "none"], "the rows' 'norm' should be 'layernorm', 'rmsnorm', 'none' in that order")
    for row in table:
        norm = row["norm"]
        check(set(row) == ROW_KEYS, f"row {norm}: the keys should be exactly {sorted(ROW_KEYS)}")
        check(isinstance(row["steps"], int) and row["steps"] == steps, f"row {norm}: 'steps' should be the number of steps asked for")
        losses = row["losses"]
        check(isinstance(losses, list) and len(losses) == steps, f"row {norm}: 'losses' should be a list with one loss per step")
        check(all(isinstance(v, float) and math.isfinite(v) for v in losses), f"row {norm}: every loss should be a finite float")
        check(isinstance(row["final_loss"], float) and math.isfinite(row["final_loss"]), f"row {norm}: 'final_loss' should be a finite float")
        check(isinstance(row["seconds"], float) and 0 <= row["seconds"] < 60, f"row {norm}: 'seconds' should be the (float) training time")


def compare_with_seeded_run(table, expected, what: str) -> None:
    for row, exp in zip(table, expected):
        assert_close(row["losses"], exp["losses"], atol=1e-6, rtol=1e-4, what=f"the losses of {row['norm']} ({what})")
        assert_close(row["final_loss"], exp["final_loss"], atol=1e-6, rtol=1e-4, what=f"the final loss of {row['norm']} ({what})")


@pytest.mark.points(4)
def test_experiment_matches_seeded_run(lab, tmp_path):
    """The table (keys, order, types) and every loss equal a run of the same recipe on torch's norms (seed 3, lr 0.02), whatever the global RNG state."""
    steps = 12
    lab.manual_seed(1234)  # the result must depend on the seed argument alone
    table, _ = run_in(lab, tmp_path, "curves.png", steps=steps, seed=3, lr=0.02)
    check_table(table, steps)
    compare_with_seeded_run(table, seeded_run(steps, seed=3, lr=0.02), "seed 3, lr 0.02")
    for row in table:
        check(row["final_loss"] < row["losses"][0], f"row {row['norm']}: the final loss is not below the first loss (did the model train?)")


@pytest.mark.points(2)
def test_experiment_defaults_and_named_values(lab, tmp_path):
    """Defaults (seed 0, lr 0.01, 60 steps), steps=1, lr=0 (no change: every loss equal) and steps < 1 raising ValueError."""
    table, _ = run_in(lab, tmp_path, "defaults.png", steps=3)
    check_table(table, 3)
    compare_with_seeded_run(table, seeded_run(3, seed=0, lr=1e-2), "the default seed and lr")
    check(lab.get("run_norm_experiment.__defaults__") == (60, 0, 1e-2), "the defaults should be steps=60, seed=0, lr=1e-2")
    start = time.perf_counter()
    table, _ = run_in(lab, tmp_path, "one.png", steps=1, seed=4)
    elapsed = time.perf_counter() - start
    check_table(table, 1)
    check(sum(row["seconds"] for row in table) <= elapsed, "the rows' 'seconds' add up to more than the whole call took")
    compare_with_seeded_run(table, seeded_run(1, seed=4, lr=1e-2), "steps=1")
    table, _ = run_in(lab, tmp_path, "frozen.png", steps=3, seed=5, lr=0.0)
    check_table(table, 3)
    for row in table:
        check(len(set(row["losses"] + [row["final_loss"]])) == 1, f"row {row['norm']}: with lr=0 every loss should be the initial one")
    for steps in (0, -2):
        with pytest.raises(ValueError):
            lab.run_norm_experiment(str(tmp_path / "never.png"), steps=steps)
            pytest.fail(f"no ValueError for steps={steps}")


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.points(2)
def test_experiment_writes_png(lab, tmp_path):
    """run_norm_experiment writes a 600 x 400 PNG image at the given path, with three coloured curves."""
    import io

    import numpy as np
    from matplotlib import image

    table, png = run_in(lab, tmp_path, "norm_curves.png", steps=4, seed=1)
    check_table(table, 4)
    check(isinstance(png, bytes) and png.startswith(PNG_MAGIC), "the file written is not a PNG image (wrong signature)")
    check(png_size(png) == (600, 400), "the image should be 600 x 400 pixels (figsize (6, 4) at 100 dpi)")
    rgb = image.imread(io.BytesIO(png), format="png")[..., :3]
    coloured = rgb[(rgb.max(axis=-1) - rgb.min(axis=-1)) > 0.3]
    hues, counts = np.unique(np.round(coloured * 4), axis=0, return_counts=True)
    check(int((counts >= 40).sum()) >= 3, "the plot should show three curves in three different colours")
