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
        pytest.param(torch.float32, id="float32", marks=pytest.mark.points(5)),
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


@pytest.mark.points(3)
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


@pytest.mark.points(4)
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


# ---- LayerNorm backward -------------------------------------------------------------------------


@pytest.mark.points(6)
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


@pytest.mark.points(4)
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
        pytest.param(torch.float32, id="float32", marks=pytest.mark.points(4)),
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


@pytest.mark.points(5)
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
    """A normalized_shape that is not x's trailing shape, or a weight/bias of the wrong shape, raises ValueError."""
    x = randn(2, 3, 4, seed=120)
    cases = {
        "layer_norm_forward, trailing dims (3, 4) vs normalized_shape (4, 3)": lambda: lab.layer_norm_forward(x, (4, 3)),
        "layer_norm_forward, normalized_shape longer than x.shape": lambda: lab.layer_norm_forward(x, (1, 2, 3, 4)),
        "layer_norm_forward, weight of the wrong shape": lambda: lab.layer_norm_forward(x, (4,), torch.ones(3)),
        "layer_norm_forward, bias of the wrong shape": lambda: lab.layer_norm_forward(x, (4,), None, torch.ones(3, 4)),
        "rms_norm_forward, trailing dim 4 vs normalized_shape (5,)": lambda: lab.rms_norm_forward(x, (5,)),
        "rms_norm_forward, weight of the wrong shape": lambda: lab.rms_norm_forward(x, (3, 4), torch.ones(4)),
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
        ("LayerNorm", ((3, 4),), {}),
        ("LayerNorm", (6,), {"bias": False}),
        ("LayerNorm", (6,), {"elementwise_affine": False}),
        ("RMSNorm", ((3, 4),), {}),
        ("RMSNorm", (6,), {"elementwise_affine": False}),
    ]
    for name, args, kwargs in cases:
        what = f"{name}({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kwargs.items())])})"
        mine, theirs = getattr(lab, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
        sd, expected = mine.state_dict(), theirs.state_dict()
        check(set(sd) == set(expected), f"{what}: the state_dict keys differ from torch's")
        check(state_shapes(sd) == state_shapes(expected), f"{what}: the parameter shapes differ from torch's")
        for name in expected:
            assert_close(sd[name], expected[name], atol=0, rtol=0, what=f"{what}: the initial {name}")
        check(tuple(mine.normalized_shape) == theirs.normalized_shape, f"{what}: wrong normalized_shape attribute")
        check(mine.eps == theirs.eps, f"{what}: wrong eps attribute")
        check(mine.elementwise_affine == theirs.elementwise_affine, f"{what}: wrong elementwise_affine attribute")
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


@pytest.mark.points(5)
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


# ---- the experiment -----------------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXPERIMENT_STEPS = 20


@pytest.fixture(scope="module")
def experiment(lab, tmp_path_factory):
    """One run of the student's experiment: ``{"table": ... or exception, "png": bytes or exception}``.

    The path given is relative: the student's code writes it in its working
    folder, where ``lab.get_file`` reads it back (in-process, the runner's
    working folder is moved to a temporary folder for the call)."""
    outcome: dict = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("experiment"))
        try:
            outcome["table"] = lab.run_norm_experiment("norm_curves.png", steps=EXPERIMENT_STEPS, seed=1)
        except Exception as exc:  # noqa: BLE001 - re-raised by the tests that need it
            outcome["table"] = exc
        try:
            outcome["png"] = lab.get_file("norm_curves.png")
        except Exception as exc:  # noqa: BLE001
            outcome["png"] = exc
    return outcome


@pytest.mark.points(3)
def test_experiment_writes_png(experiment):
    """run_norm_experiment writes a PNG image (valid signature, non-trivial size) at the given path."""
    if isinstance(experiment["table"], Exception):
        raise experiment["table"]
    png = experiment["png"]
    check(not isinstance(png, Exception), "no file was found at the path given to run_norm_experiment")
    check(isinstance(png, bytes) and png.startswith(PNG_MAGIC), "the file written is not a PNG image (wrong signature)")
    check(len(png) > 2000, "the PNG file is suspiciously small for a plot of three loss curves")


@pytest.mark.points(4)
def test_experiment_table(experiment):
    """The table has a row per norm (layernorm, rmsnorm, none): steps, finite losses that go down, final_loss, seconds."""
    table = experiment["table"]
    if isinstance(table, Exception):
        raise table
    check(isinstance(table, list) and len(table) == 3, "run_norm_experiment should return a list of three dicts")
    check(all(isinstance(row, dict) for row in table), "each row of the table should be a dict")
    check(
        [row.get("norm") for row in table] == ["layernorm", "rmsnorm", "none"],
        "the rows' 'norm' should be 'layernorm', 'rmsnorm', 'none' in that order",
    )
    for row in table:
        norm = row["norm"]
        missing = {"norm", "steps", "losses", "final_loss", "seconds"} - set(row)
        check(not missing, f"row {norm}: missing keys {sorted(missing)}")
        steps, losses = row["steps"], row["losses"]
        check(isinstance(steps, int) and steps == EXPERIMENT_STEPS, f"row {norm}: 'steps' should be the number of steps asked for")
        check(isinstance(losses, list) and len(losses) == steps, f"row {norm}: 'losses' should be a list with one loss per step")
        check(all(isinstance(v, float) and math.isfinite(v) for v in losses), f"row {norm}: every loss should be a finite float")
        final = row["final_loss"]
        check(isinstance(final, float) and math.isfinite(final), f"row {norm}: 'final_loss' should be a finite float")
        check(final < losses[0], f"row {norm}: the final loss is not below the first loss (did the model train?)")
        check(min(losses) < losses[0], f"row {norm}: the loss never went down")
        seconds = row["seconds"]
        check(isinstance(seconds, float) and 0 <= seconds < 60, f"row {norm}: 'seconds' should be the (float) training time")


@pytest.mark.points(2)
def test_experiment_is_reproducible(lab, experiment, tmp_path, monkeypatch):
    """The same seed gives the same losses (also in a shorter run); another seed gives other losses."""
    first = experiment["table"]
    if isinstance(first, Exception):
        raise first
    monkeypatch.chdir(tmp_path)
    steps = EXPERIMENT_STEPS // 2  # the losses before each step do not depend on how many steps follow
    again = lab.run_norm_experiment("again.png", steps=steps, seed=1)
    other = lab.run_norm_experiment("other.png", steps=steps, seed=2)
    for a, b in zip(first, again):
        what = f"the losses of {a['norm']} with the same seed"
        assert_close(b["losses"], a["losses"][:steps], atol=1e-7, rtol=1e-5, what=what)
    changed = any(a["losses"][:steps] != b["losses"] for a, b in zip(first, other))
    check(changed, "a different seed gave exactly the same losses")
