"""Hidden tests for lab 40 (mixed precision: formats, fp8, loss scaling, autocast training).

Oracles: ``torch.finfo`` and ``sys.float_info`` for the named formats, and a
brute-force decoder of every bit pattern for made-up layouts; torch's float8
casts (``torch.float8_e4m3fn`` / ``torch.float8_e5m2``) of the clamped,
scaled values, code for code; ``torch.amp.GradScaler("cpu")`` driven with
scripted finite / non-finite gradients (its scale and growth tracker after
every step, its ``scale`` and ``unscale_``); and the usual ``torch.autocast``
+ ``GradScaler`` training loop on torch's own layers for the trainer. Student
scalers and trainers live behind handles; results are compared as data.
"""

from __future__ import annotations

import math
import sys

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check

INF = math.inf
NAN = math.nan
FP8 = {"e4m3": torch.float8_e4m3fn, "e5m2": torch.float8_e5m2}
FP8_MAX = {"e4m3": 448.0, "e5m2": 57344.0}
DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float8_e4m3fn": torch.float8_e4m3fn,
    "float8_e5m2": torch.float8_e5m2,
}
INFO_KEYS = {"bias", "max", "smallest_normal", "smallest_subnormal", "eps"}


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def finfo_facts(dtype: torch.dtype) -> dict:
    info = torch.finfo(dtype)
    int_type = {8: torch.uint8, 16: torch.int16, 32: torch.int32, 64: torch.int64}[info.bits]
    subnormal = torch.tensor(1, dtype=int_type).view(dtype).to(torch.float64).item()
    return {
        "bias": 1 - round(math.log2(info.tiny)),
        "max": float(info.max),
        "smallest_normal": float(info.tiny),
        "smallest_subnormal": subnormal,
        "eps": float(info.eps),
    }


def brute_force_facts(e: int, m: int, has_inf: bool) -> dict:
    """Decode every bit pattern of a (1, e, m) format and read the facts off the values."""
    bias = 2 ** (e - 1) - 1
    values = []
    for exp_field in range(2**e):
        for frac in range(2**m):
            if exp_field == 2**e - 1 and (has_inf or frac == 2**m - 1):
                continue  # inf / nan patterns
            if exp_field == 0:
                values.append(frac / 2**m * 2.0 ** (1 - bias))
            else:
                values.append((1 + frac / 2**m) * 2.0 ** (exp_field - bias))
    positive = sorted(v for v in values if v > 0)
    normals = [v for v in positive if v >= 2.0 ** (1 - bias)]
    above_one = [v for v in positive if v > 1.0]
    return {
        "bias": bias,
        "max": positive[-1],
        "smallest_normal": normals[0],
        "smallest_subnormal": positive[0],
        "eps": above_one[0] - 1.0,
    }


def check_info(actual, expected: dict, what: str) -> None:
    check(isinstance(actual, dict) and set(actual) == INFO_KEYS, f"{what}: expected a dict with keys {sorted(INFO_KEYS)}")
    check(isinstance(actual["bias"], int) and not isinstance(actual["bias"], bool), f"{what}: 'bias' should be an int")
    check(actual["bias"] == expected["bias"], f"{what}: wrong bias")
    for key in ("max", "smallest_normal", "smallest_subnormal", "eps"):
        check(isinstance(actual[key], float), f"{what}: '{key}' should be a Python float")
        check(actual[key] == expected[key], f"{what}: wrong '{key}' (it should be exact)")


# ---- formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("float16", marks=pytest.mark.points(2)),
        pytest.param("bfloat16", marks=pytest.mark.points(2)),
        pytest.param("float32", marks=pytest.mark.points(2)),
        pytest.param("float8_e4m3fn", marks=pytest.mark.points(2)),
        pytest.param("float8_e5m2", marks=pytest.mark.points(2)),
    ],
)
def test_dtype_info_matches_finfo(lab, name):
    """dtype_info(name) gives torch.finfo's max, tiny and eps, the smallest subnormal and the bias, exactly."""
    check_info(lab.dtype_info(name), finfo_facts(DTYPES[name]), f"dtype_info({name!r})")


@pytest.mark.points(3)
def test_format_info_float64_and_keywords(lab):
    """format_info(11, 52) is float64 (torch.finfo and sys.float_info); keyword calls and the has_inf default."""
    facts = finfo_facts(torch.float64)
    check(facts["smallest_subnormal"] == 5e-324, "internal: the float64 subnormal")
    check_info(lab.format_info(11, 52), facts, "format_info(11, 52)")
    out = lab.format_info(exponent_bits=11, mantissa_bits=52, has_inf=True)
    check(out["max"] == sys.float_info.max and out["eps"] == sys.float_info.epsilon
          and out["smallest_normal"] == sys.float_info.min, "format_info(11, 52) should match sys.float_info")
    check_info(lab.format_info(mantissa_bits=7, exponent_bits=8), finfo_facts(torch.bfloat16),
               "format_info(mantissa_bits=7, exponent_bits=8)")
    check_info(lab.format_info(4, 3, has_inf=False), finfo_facts(torch.float8_e4m3fn), "format_info(4, 3, has_inf=False)")
    check_info(lab.format_info(4, 3, False), brute_force_facts(4, 3, False), "format_info(4, 3, False)")


@pytest.mark.points(3)
def test_format_info_other_layouts(lab):
    """Made-up layouts (e2m1 ... e6m5, with and without inf) agree with decoding every bit pattern."""
    for e, m in ((2, 1), (3, 2), (3, 4), (2, 3), (6, 5), (5, 1), (7, 9)):
        for has_inf in (True, False):
            if e == 2 and m == 1 and has_inf:
                continue  # e2m1 with inf has a single finite exponent: covered below
            check_info(lab.format_info(e, m, has_inf), brute_force_facts(e, m, has_inf), f"format_info({e}, {m}, {has_inf})")
    check_info(lab.format_info(2, 1, True), brute_force_facts(2, 1, True), "format_info(2, 1, True)")


@pytest.mark.points(2)
def test_format_info_errors(lab):
    """ValueError for fewer than 2 exponent bits or 1 mantissa bit, and for unknown names; (2, 1) is valid."""
    check_info(lab.format_info(2, 1), brute_force_facts(2, 1, True), "format_info(2, 1)")
    for e, m in ((1, 3), (0, 2), (2, 0), (5, -1), (-3, 4)):
        with pytest.raises(ValueError):
            lab.format_info(e, m)
            pytest.fail(f"format_info({e}, {m}) should raise ValueError")
    check_info(lab.dtype_info("bfloat16"), finfo_facts(torch.bfloat16), "dtype_info('bfloat16')")
    for bad in ("float64", "bf16", "e4m3", "Float16", ""):
        with pytest.raises(ValueError):
            lab.dtype_info(bad)
            pytest.fail(f"dtype_info({bad!r}) should raise ValueError")


# ---- fp8 ------------------------------------------------------------------------------------------


def fp8_codes(x: torch.Tensor, fmt: str, scale: float) -> torch.Tensor:
    top = FP8_MAX[fmt]
    return (x.float() * scale).clamp(-top, top).to(FP8[fmt]).view(torch.uint8)


def tricky_values(fmt: str) -> torch.Tensor:
    """Ties, subnormals, zeros, signs and values near the top of the format (before scaling)."""
    info = torch.finfo(FP8[fmt])
    grid = torch.arange(256, dtype=torch.uint8).view(FP8[fmt]).float()
    grid = grid[torch.isfinite(grid)]
    mids = (grid.sort().values[1:] + grid.sort().values[:-1]) / 2  # exact ties between neighbours
    extra = torch.tensor([0.0, -0.0, info.max, -info.max, info.tiny / 3, -info.tiny * 0.75, 1e-9, 3.3, -7.77])
    return torch.cat([grid, mids[torch.isfinite(mids)], extra, randn(64, seed=7) * 50])


def check_codes(actual, expected: torch.Tensor, what: str) -> None:
    check(torch.is_tensor(actual) and actual.dtype == torch.uint8, f"{what}: the codes should be a torch.uint8 tensor")
    check(actual.shape == expected.shape, f"{what}: expected shape {tuple(expected.shape)}, got {tuple(actual.shape)}")
    bad = int((actual != expected).sum())
    check(bad == 0, f"{what}: {bad} of {expected.numel()} codes differ from torch's rounding")


@pytest.mark.parametrize("fmt", [pytest.param("e4m3", marks=pytest.mark.points(3)), pytest.param("e5m2", marks=pytest.mark.points(3))])
def test_fp8_quantize_given_scale(lab, fmt):
    """With a given scale the codes equal torch's cast of clamp(x * scale): ties to even, subnormals, signs."""
    x = tricky_values(fmt)
    for scale in (1.0, 0.37, 2.0**-4, 1000.0, 3):
        codes, used = lab.fp8_quantize(x, fmt, scale)
        check(isinstance(used, float) and used == float(scale), f"the returned scale should be the given one ({scale}) as a float")
        check_codes(codes, fp8_codes(x, fmt, float(scale)), f"fp8_quantize(x, {fmt!r}, {scale})")
    codes, used = lab.fp8_quantize(x, fmt, 0.37, margin=2)
    check(used == 0.37, "with a given scale, margin is ignored")
    check_codes(codes, fp8_codes(x, fmt, 0.37), f"fp8_quantize(x, {fmt!r}, 0.37, margin=2): margin only enters amax scaling")
    codes, _ = lab.fp8_quantize(x.reshape(-1, 1)[:60].reshape(3, 4, 5), fmt=fmt, scale=0.5)
    check_codes(codes, fp8_codes(x[:60].reshape(3, 4, 5), fmt, 0.5), f"fp8_quantize of a 3-d tensor ({fmt})")


@pytest.mark.parametrize("fmt", [pytest.param("e4m3", marks=pytest.mark.points(3)), pytest.param("e5m2", marks=pytest.mark.points(3))])
def test_fp8_amax_scaling(lab, fmt):
    """Without a scale: scale = fp8_max / amax / 2**margin; the largest magnitude lands on fp8_max / 2**margin."""
    top = FP8_MAX[fmt]
    for seed, margin in ((1, 0), (2, 1), (3, 3), (4, 0)):
        x = randn(40, 7, seed=seed) * (10.0 ** (seed - 3))
        if seed == 4:
            x[3, 2] = -x.abs().max() * 2  # the largest magnitude is negative
        amax = x.abs().max().item()
        codes, scale = lab.fp8_quantize(x, fmt, margin=margin)
        check(isinstance(scale, float), "the returned scale should be a Python float")
        assert_close(scale, top / amax / 2**margin, atol=0.0, rtol=1e-12, what=f"the scale ({fmt}, margin={margin})")
        check_codes(codes, fp8_codes(x, fmt, scale), f"fp8_quantize(x, {fmt!r}, margin={margin})")
        peak = codes.flatten()[x.abs().flatten().argmax()].reshape(1).view(FP8[fmt]).float().abs().item()
        check(peak == top / 2**margin, f"the largest magnitude should land on fp8_max / 2**margin ({fmt}, margin={margin})")
        assert_close(lab.fp8_scale(amax, fmt, margin), top / amax / 2**margin, atol=0.0, rtol=1e-12,
                     what=f"fp8_scale(amax, {fmt!r}, {margin})")
        assert_close(lab.fp8_scale(torch.tensor(amax), fmt=fmt, margin=margin), top / amax / 2**margin, atol=0.0,
                     rtol=1e-12, what="fp8_scale of a 0-d tensor amax")


@pytest.mark.points(4)
def test_fp8_saturation_and_overflow(lab):
    """saturate=True clamps to ±max (inf too); saturate=False: inf from 61440 for e5m2, nan past 464 for e4m3fn."""
    x = torch.tensor([INF, -INF, 1e6, -1e6, 470.0, 464.0, -465.0, 448.0, 61439.0, 61440.0, -61440.0, 57344.0, NAN, 1.0])
    for fmt in ("e4m3", "e5m2"):
        codes, _ = lab.fp8_quantize(x, fmt, 1.0)
        check_codes(codes, fp8_codes(x, fmt, 1.0), f"saturated {fmt} codes of huge, infinite and nan values")
        codes, _ = lab.fp8_quantize(x, fmt, 1.0, saturate=True)
        check_codes(codes, fp8_codes(x, fmt, 1.0), f"{fmt} codes with saturate=True")
    codes, _ = lab.fp8_quantize(x, "e5m2", 1.0, saturate=False)
    check_codes(codes, x.to(torch.float8_e5m2).view(torch.uint8), "e5m2 codes with saturate=False (inf on overflow)")
    codes, _ = lab.fp8_quantize(x, "e4m3", 1.0, saturate=False)
    expected = fp8_codes(x, "e4m3", 1.0)
    expected[x.abs() > 464] = 0x7F
    expected[(x.abs() > 464) & (x < 0)] = 0xFF
    check_codes(codes, expected, "e4m3 codes with saturate=False (nan past 464, sign kept)")
    values = lab.fp8_dequantize(codes, "e4m3", 1.0)
    check(bool(torch.isnan(values[:5]).all()) and not bool(torch.isinf(values).any()),
          "e4m3fn has no inf: non-saturated overflow must dequantise to nan")
    # amax scaling never overflows, with or without saturation
    y = randn(50, seed=11) * 1e4
    for fmt in ("e4m3", "e5m2"):
        a, scale = lab.fp8_quantize(y, fmt, saturate=False)
        check_codes(a, fp8_codes(y, fmt, scale), f"amax-scaled {fmt} codes with saturate=False")
        a, _ = lab.fp8_quantize(y, fmt, 1.0, saturate=False)
        expected = (y * 1.0).to(FP8[fmt]).view(torch.uint8) if fmt == "e5m2" else None
        if expected is not None:
            check_codes(a, expected, "e5m2 codes of large values with saturate=False and scale 1")
        else:
            check(bool(torch.isnan(lab.fp8_dequantize(a, fmt, 1.0)[y.abs() > 464]).all()),
                  "e4m3 with saturate=False: values past 464 should become nan")


@pytest.mark.points(3)
def test_fp8_dequantize_and_roundtrip(lab):
    """fp8_dequantize divides by the scale; the round trip is within half an fp8 epsilon; float16/bfloat16/float64 inputs."""
    for fmt, eps in (("e4m3", 0.125), ("e5m2", 0.25)):
        codes = torch.arange(256, dtype=torch.uint8)
        for scale in (1.0, 0.25, 37.5):
            out = lab.fp8_dequantize(codes, fmt, scale)
            assert_close(out, codes.view(FP8[fmt]).float() / scale, atol=0.0, rtol=0.0, what=f"fp8_dequantize ({fmt}, scale {scale})")
        for dtype in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
            x = randn(30, 9, seed=5, dtype=dtype)
            keep = x.clone()
            values, scale = lab.fp8_roundtrip(x, fmt)
            check(torch.equal(x, keep), "fp8_roundtrip must not modify its input")
            amax = x.float().abs().max().item()
            assert_close(scale, FP8_MAX[fmt] / amax, atol=0.0, rtol=1e-12, what=f"the round trip's scale ({fmt}, {dtype})")
            expected = fp8_codes(x, fmt, scale).view(FP8[fmt]).float() / scale
            assert_close(values, expected, atol=0.0, rtol=0.0, what=f"fp8_roundtrip ({fmt}, {dtype} input)")
            normal = x.float().abs() * scale >= torch.finfo(FP8[fmt]).tiny
            err = ((values - x.float()).abs() / x.float().abs())[normal]
            check(err.max().item() <= eps / 2 + 1e-7, f"round-trip error above half an epsilon ({fmt})")
        values, scale = lab.fp8_roundtrip(randn(20, seed=8), fmt, margin=2, saturate=False)
        codes, scale2 = lab.fp8_quantize(randn(20, seed=8), fmt, margin=2)
        assert_close(values, lab.fp8_dequantize(codes, fmt, scale2), atol=0.0, rtol=0.0,
                     what=f"fp8_roundtrip with margin=2 ({fmt})")


@pytest.mark.points(2)
def test_fp8_scale_edge_cases(lab):
    """amax 0, inf or nan gives scale 1.0; empty and all-zero tensors; the default format is e4m3."""
    for amax in (0.0, INF, NAN, torch.tensor(0.0)):
        check(lab.fp8_scale(amax) == 1.0, f"fp8_scale({amax}) should be 1.0")
        check(lab.fp8_scale(amax, "e5m2", 2) == 1.0, f"fp8_scale({amax}, 'e5m2', 2) should be 1.0")
    check(lab.fp8_scale(2.0) == 224.0 and lab.fp8_scale(7.0, "e5m2") == 57344.0 / 7.0, "fp8_scale's default format")
    codes, scale = lab.fp8_quantize(torch.zeros(5))
    check(scale == 1.0 and torch.equal(codes, torch.zeros(5, dtype=torch.uint8)), "all-zero input: scale 1.0, zero codes")
    codes, scale = lab.fp8_quantize(torch.zeros(0), "e5m2")
    check(scale == 1.0 and codes.dtype == torch.uint8 and codes.numel() == 0, "an empty input: scale 1.0, empty codes")
    x = torch.tensor([1.0, NAN, -3.0])
    codes, scale = lab.fp8_quantize(x, "e4m3")
    check(scale == 1.0, "a nan in x makes amax nan, so the scale is 1.0")
    check_codes(codes, fp8_codes(x, "e4m3", 1.0), "codes of an input holding nan")
    x = randn(16, seed=9) * 3
    codes, scale = lab.fp8_quantize(x)
    assert_close(scale, 448.0 / x.abs().max().item(), atol=0.0, rtol=1e-12, what="fp8_quantize's default format (e4m3)")
    values, scale = lab.fp8_roundtrip(x)
    assert_close(values, fp8_codes(x, "e4m3", scale).view(torch.float8_e4m3fn).float() / scale, atol=0.0, rtol=0.0,
                 what="fp8_roundtrip's defaults")
    x = torch.tensor([INF, -2.0, 500.0, -INF])
    for fmt in ("e4m3", "e5m2"):
        values, scale = lab.fp8_roundtrip(x, fmt)
        check(scale == 1.0, "an infinite amax gives scale 1.0")
        assert_close(values, fp8_codes(x, fmt, 1.0).view(FP8[fmt]).float(), atol=0.0, rtol=0.0,
                     what=f"fp8_roundtrip saturates by default ({fmt}: inf becomes the largest value)")


@pytest.mark.points(2)
def test_fp8_errors(lab):
    """ValueError for unknown formats, negative margins or amax, bad scales, and codes that are not uint8."""
    x = randn(8, seed=3)
    lab.fp8_quantize(x, "e5m2", 2.0, margin=0)
    for kwargs in ({"fmt": "e4m3fn"}, {"fmt": "fp8"}, {"margin": -1}, {"scale": 0.0}, {"scale": -2.0},
                   {"scale": INF}, {"scale": NAN}, {"scale": 2.0, "margin": -1}):
        with pytest.raises(ValueError):
            lab.fp8_quantize(x, **kwargs)
            pytest.fail(f"fp8_quantize(x, **{kwargs}) should raise ValueError")
    check(lab.fp8_scale(3.0, "e5m2", 0) > 0, "fp8_scale(3.0, 'e5m2', 0)")
    for args in ((3.0, "e3m4", 0), (3.0, "e4m3", -2), (-1.0, "e4m3", 0)):
        with pytest.raises(ValueError):
            lab.fp8_scale(*args)
            pytest.fail(f"fp8_scale{args} should raise ValueError")
    codes, scale = lab.fp8_quantize(x)
    lab.fp8_dequantize(codes, "e4m3", scale)
    for bad in (codes.to(torch.int16), codes.float()):
        with pytest.raises(ValueError):
            lab.fp8_dequantize(bad, "e4m3", scale)
            pytest.fail("fp8_dequantize should raise ValueError for codes that are not uint8")
    with pytest.raises(ValueError):
        lab.fp8_dequantize(codes, "e2m5", scale)
        pytest.fail("fp8_dequantize should raise ValueError for an unknown format")
    with pytest.raises(TypeError):
        lab.fp8_roundtrip(x, "e4m3", 2)
        pytest.fail("fp8_roundtrip's margin and saturate are keyword-only")


# ---- the loss scaler ------------------------------------------------------------------------------


def gradscaler_run(overflows, **kwargs):
    """GradScaler("cpu") driven by scripted gradients: its state_dict after every update."""
    scaler = torch.amp.GradScaler("cpu", **kwargs)
    p = nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([p], lr=0.0)
    states = []
    for bad in overflows:
        scaler.scale(torch.tensor(1.0))
        p.grad = torch.tensor([1.0, (NAN if bad == "nan" else INF) if bad else 2.0])
        scaler.step(opt)
        scaler.update()
        states.append(scaler.state_dict())
    return states


SCRIPTS = {
    "interval_3": ([0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0], {"init_scale": 1024.0, "growth_interval": 3}),
    "interval_1": ([0, 0, 1, 0, 1, 1, 0, 0, 0], {"init_scale": 2.0**10, "growth_interval": 1, "growth_factor": 4.0}),
    "float32_rounding": ([0] * 7 + [1, 1] + [0] * 6, {"init_scale": 3.0, "growth_factor": 1.1, "backoff_factor": 0.3,
                                                     "growth_interval": 1}),
    "growth_to_inf": ([0, 0, 0, 0, 0, 1, 0, 0, 0], {"init_scale": 2.0**126, "growth_interval": 2}),
    "init_rounded": ([0, 1, 0, 0], {"init_scale": 0.1, "growth_factor": 3.0, "backoff_factor": 0.7, "growth_interval": 2}),
}


@pytest.mark.parametrize(
    "script",
    [
        pytest.param("interval_3", marks=pytest.mark.points(3)),
        pytest.param("interval_1", marks=pytest.mark.points(2)),
        pytest.param("float32_rounding", marks=pytest.mark.points(2)),
        pytest.param("growth_to_inf", marks=pytest.mark.points(2)),
        pytest.param("init_rounded", marks=pytest.mark.points(2)),
    ],
)
def test_scaler_matches_gradscaler(lab, script):
    """The scale and growth tracker after every update equal GradScaler's, for a scripted overflow pattern."""
    overflows, kwargs = SCRIPTS[script]
    expected = gradscaler_run(overflows, **kwargs)
    scaler = lab.DynamicLossScaler(**kwargs)
    first = lab.DynamicLossScaler(**kwargs).get_scale()
    check(first == torch.amp.GradScaler("cpu", **kwargs).scale(torch.tensor(1.0)).item(),
          "the initial scale should be init_scale rounded to float32")
    for i, (bad, exp) in enumerate(zip(overflows, expected)):
        new = scaler.update(bool(bad))
        state = scaler.state()
        check(isinstance(state, dict) and set(state) == set(exp), f"state() should have the keys {sorted(exp)}")
        check(state["_growth_tracker"] == exp["_growth_tracker"], f"the growth tracker after update {i + 1} ({script})")
        check(state["scale"] == exp["scale"], f"the scale after update {i + 1} ({script}): not GradScaler's float32 value")
        check(new == exp["scale"] and scaler.get_scale() == exp["scale"], "update() and get_scale() should give the new scale")
        for key in ("growth_factor", "backoff_factor", "growth_interval"):
            check(state[key] == exp[key], f"state()[{key!r}]")


@pytest.mark.points(4)
def test_scaler_scale_and_unscale(lab):
    """scale() multiplies the loss; unscale() equals GradScaler.unscale_ (float32 inverse) and finds inf and nan."""
    for init in (1024.0, 3.0, 2.0**-3):
        scaler = lab.DynamicLossScaler(init_scale=init)
        oracle = torch.amp.GradScaler("cpu", init_scale=init)
        loss = torch.tensor(1.7)
        assert_close(scaler.scale(loss), oracle.scale(loss), atol=0.0, rtol=0.0, what=f"scale(loss) (init_scale={init})")
        vec = randn(3, seed=2)
        assert_close(scaler.scale(vec), vec * init, atol=0.0, rtol=0.0, what="scale() of a vector")
        for grads, bad in (
            ([randn(3, 4, seed=1) * 100, None, randn(5, seed=2)], False),
            ([randn(3, seed=3), torch.tensor([1.0, INF, 2.0])], True),
            ([torch.tensor([NAN]), randn(2, 2, seed=4)], True),
            ([randn(2, seed=5), torch.tensor([-INF])], True),
        ):
            params = [nn.Parameter(torch.zeros_like(g)) for g in grads if g is not None]
            for p, g in zip(params, [g for g in grads if g is not None]):
                p.grad = g.clone()
            opt = torch.optim.SGD(params, lr=0.0)
            oracle = torch.amp.GradScaler("cpu", init_scale=init)
            oracle.scale(torch.tensor(1.0))
            oracle.unscale_(opt)
            keep = [None if g is None else g.clone() for g in grads]
            out, found = scaler.unscale(grads)
            check(found is bad, f"unscale's found_inf should be {bad} (init_scale={init})")
            check(isinstance(out, list) and len(out) == len(grads), "unscale should return a list aligned with grads")
            check(out[1] is None if grads[1] is None else True, "a None gradient should stay None")
            expected = iter(p.grad for p in params)
            for j, (o, g) in enumerate(zip(out, grads)):
                if g is not None:
                    assert_close(o, next(expected), atol=0.0, rtol=0.0, what=f"unscaled gradient {j} (init_scale={init})")
            check(all(torch.allclose(a, b, rtol=0.0, atol=0.0, equal_nan=True) if a is not None else b is None
                      for a, b in zip(grads, keep)),
                  "unscale must not modify its input")
    scaler = lab.DynamicLossScaler(init_scale=2.0**-100)
    out, found = scaler.unscale([torch.tensor([2.0**30, 1.0])])
    check(found is False and math.isinf(out[0][0].item()),
          "found_inf looks at the scaled gradients as given, not at the unscaled products")


@pytest.mark.points(3)
def test_scaler_defaults(lab):
    """The defaults are GradScaler's: 2**16, x2, x0.5, growth after 2000 finite steps."""
    scaler = lab.DynamicLossScaler()
    oracle = torch.amp.GradScaler("cpu")
    oracle.scale(torch.tensor(1.0))
    check(scaler.state() == oracle.state_dict(), "the default state should equal GradScaler's")
    lab.map(scaler.update, [(False,)] * 1999)
    check(scaler.get_scale() == 65536.0 and scaler.state()["_growth_tracker"] == 1999,
          "after 1999 finite steps the default scale has not grown yet")
    check(scaler.update(False) == 131072.0 and scaler.state()["_growth_tracker"] == 0,
          "the 2000th finite step doubles the default scale and resets the tracker")
    check(scaler.update(True) == 65536.0, "an overflow halves the default scale")


@pytest.mark.points(2)
def test_scaler_disabled(lab):
    """enabled=False: the loss and gradients pass through, the scale is 1.0, state() is {}, update changes nothing."""
    scaler = lab.DynamicLossScaler(init_scale=512.0, growth_interval=1, enabled=False)
    loss = torch.tensor(2.5)
    assert_close(scaler.scale(loss), loss, atol=0.0, rtol=0.0, what="scale() when disabled")
    grads = [torch.tensor([1.0, INF]), None]
    out, found = scaler.unscale(grads)
    check(found is False and out[1] is None and torch.equal(out[0], grads[0]), "unscale() when disabled")
    check(scaler.update(False) == 1.0 and scaler.update(True) == 1.0 and scaler.get_scale() == 1.0, "the scale when disabled")
    check(scaler.state() == {}, "state() when disabled should be {}")


@pytest.mark.points(2)
def test_scaler_errors(lab):
    """ValueError for init_scale <= 0, growth_factor <= 1, backoff_factor outside (0, 1), growth_interval < 1."""
    lab.DynamicLossScaler(init_scale=1e-3, growth_factor=1.001, backoff_factor=0.999, growth_interval=1)
    for kwargs in ({"init_scale": 0.0}, {"init_scale": -4.0}, {"growth_factor": 1.0}, {"growth_factor": 0.5},
                   {"backoff_factor": 1.0}, {"backoff_factor": 0.0}, {"backoff_factor": 1.5}, {"backoff_factor": -0.5},
                   {"growth_interval": 0}):
        with pytest.raises(ValueError):
            lab.DynamicLossScaler(**kwargs)
            pytest.fail(f"DynamicLossScaler(**{kwargs}) should raise ValueError")


# ---- the trainer ----------------------------------------------------------------------------------


class OracleMLP(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def init_state(d_in, d_hidden, d_out, seed) -> dict:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = OracleMLP(d_in, d_hidden, d_out)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def batches(n, b, d_in, d_out, seed, poison=()):
    out = []
    for i in range(n):
        x = randn(b, d_in, seed=seed + i) * 2
        if i in poison:
            x[0, 1] = INF  # an inf input: nan gradients in fc1
        y = torch.randint(d_out, (b,), generator=torch.Generator().manual_seed(seed + 100 + i))
        out.append((x, y))
    return out


def oracle_train(state, data, precision="bf16", optimizer="sgd", lr=0.1, max_grad_norm=None, **scaler_kwargs):
    """autocast + GradScaler on torch's layers: (history, final state)."""
    d_hidden, d_in = state["fc1.weight"].shape
    model = OracleMLP(d_in, d_hidden, state["fc2.weight"].shape[0])
    model.load_state_dict(state)
    opt = torch.optim.SGD(model.parameters(), lr=lr) if optimizer == "sgd" else torch.optim.AdamW(model.parameters(), lr=lr)
    scaler = torch.amp.GradScaler("cpu", enabled=precision == "fp16", **scaler_kwargs)
    dtype = torch.float16 if precision == "fp16" else torch.bfloat16
    history = []
    for x, y in data:
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=dtype, enabled=precision != "fp32"):
            loss = F.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        if max_grad_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        before = scaler.get_scale()
        scaler.step(opt)
        scaler.update()
        history.append({"loss": loss.item(), "scale": scaler.get_scale(), "skipped": scaler.get_scale() < before})
    return history, {k: v.detach().clone() for k, v in model.state_dict().items()}


def check_history(actual, expected, what, atol=1e-5) -> None:
    check(len(actual) == len(expected), f"{what}: expected {len(expected)} steps")
    for i, (row, exp) in enumerate(zip(actual, expected)):
        check(isinstance(row, dict) and set(row) == {"loss", "scale", "skipped"},
              f"{what}: train_step should return a dict with keys 'loss', 'scale', 'skipped'")
        check(isinstance(row["loss"], float) and isinstance(row["scale"], float), f"{what}: 'loss' and 'scale' should be floats")
        check(row["skipped"] is exp["skipped"], f"{what}: 'skipped' should be {exp['skipped']} at step {i + 1}")
        check(row["scale"] == exp["scale"], f"{what}: the scale after step {i + 1} is not GradScaler's")
        assert_close(row["loss"], exp["loss"], atol=atol, rtol=atol, what=f"{what}: the loss of step {i + 1}")


def check_state(actual, expected, what, atol=1e-5) -> None:
    check(isinstance(actual, dict) and set(actual) == set(expected), f"{what}: the keys should be {sorted(expected)}")
    for key, value in expected.items():
        check(actual[key].dtype == torch.float32, f"{what}: {key} should stay float32 (master weights)")
        assert_close(actual[key], value, atol=atol, rtol=atol, what=f"{what}: {key}")


def run_trainer(lab, state, data, **kwargs):
    trainer = lab.MixedPrecisionTrainer(state, **kwargs)
    return trainer, [trainer.train_step(x, y) for x, y in data]


@pytest.mark.points(4)
def test_bf16_training_matches_autocast(lab):
    """bf16 training equals autocast(bfloat16) with torch's layers: losses, scale 1.0, float32 weights."""
    state = init_state(12, 32, 5, seed=3)
    data = batches(6, 16, 12, 5, seed=20)
    expected, final = oracle_train(state, data, "bf16", lr=0.3)
    trainer, history = run_trainer(lab, state, data, precision="bf16", lr=0.3)
    check_history(history, expected, "bf16 training")
    check_state(trainer.state_dict(), final, "bf16 training")
    check(trainer.step == 6 and trainer.skipped_steps == 0, "bf16 training: step and skipped_steps after 6 steps")
    fp32_expected, _ = oracle_train(state, data[:1], "fp32")
    check(abs(history[0]["loss"] - fp32_expected[0]["loss"]) <= 2e-2 * abs(fp32_expected[0]["loss"]),
          "the first bf16 loss should be within bf16 tolerance of the fp32 loss")


@pytest.mark.points(3)
def test_forward_dtypes_and_master_weights(lab):
    """forward() gives bfloat16 / float16 / float32 logits as autocast does; the parameters stay float32."""
    state = init_state(10, 24, 4, seed=5)
    x = randn(7, 10, seed=6)
    model = OracleMLP(10, 24, 4)
    model.load_state_dict(state)
    for precision, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16), ("fp32", torch.float32)):
        trainer = lab.MixedPrecisionTrainer(state, precision=precision)
        with torch.no_grad(), torch.autocast("cpu", dtype=dtype, enabled=precision != "fp32"):
            expected = model(x)
        out = trainer.forward(x)
        check(torch.is_tensor(out) and out.dtype == dtype, f"forward() under {precision} should give {dtype} logits")
        assert_close(out, expected, atol=1e-3, rtol=1e-3, what=f"forward() under {precision}")
        check_state(trainer.state_dict(), state, f"the weights of a new {precision} trainer", atol=0.0)
        trainer.train_step(x, torch.tensor([0, 1, 2, 3, 0, 1, 2]))
        check(all(v.dtype == torch.float32 for v in trainer.state_dict().values()),
              f"the master weights must stay float32 after a {precision} step")
    check(state["fc1.weight"].dtype == torch.float32, "the given state dict must not be changed")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("sgd_clipped", marks=pytest.mark.points(4)),
        pytest.param("adamw", marks=pytest.mark.points(4)),
    ],
)
def test_fp16_training_matches_gradscaler(lab, case):
    """fp16 with loss scaling equals autocast(float16) + GradScaler: skipped steps, backoff, growth, clipping."""
    state = init_state(8, 20, 3, seed=11)
    data = batches(9, 12, 8, 3, seed=40, poison=(2, 3, 7))
    if case == "sgd_clipped":
        kwargs = dict(optimizer="sgd", lr=0.5, max_grad_norm=0.5, init_scale=256.0, growth_interval=2)
    else:
        kwargs = dict(optimizer="adamw", lr=0.01, init_scale=1024.0, growth_factor=3.0, backoff_factor=0.25,
                      growth_interval=1)
    scaler_keys = ("init_scale", "growth_factor", "backoff_factor", "growth_interval")
    expected, final = oracle_train(state, data, "fp16", kwargs["optimizer"], kwargs["lr"], kwargs.get("max_grad_norm"),
                                   **{k: kwargs[k] for k in scaler_keys if k in kwargs})
    trainer, history = run_trainer(lab, state, data, precision="fp16", **kwargs)
    check_history(history, expected, f"fp16 training ({case})")
    check_state(trainer.state_dict(), final, f"fp16 training ({case})")
    check(trainer.step == 6 and trainer.skipped_steps == 3, f"fp16 training ({case}): step and skipped_steps")


@pytest.mark.points(3)
def test_fp16_overflow_backs_off(lab):
    """An fp16 scale far too large overflows the float16 gradients: steps are skipped and the scale backs off, as GradScaler."""
    state = init_state(6, 16, 4, seed=21)
    data = batches(12, 10, 6, 4, seed=60)
    kwargs = dict(init_scale=2.0**28, growth_interval=3)
    expected, final = oracle_train(state, data, "fp16", "sgd", 0.2, **kwargs)
    check(sum(e["skipped"] for e in expected) >= 5, "internal: the scripted run should overflow")
    trainer, history = run_trainer(lab, state, data, precision="fp16", lr=0.2, **kwargs)
    check_history(history, expected, "fp16 training from a huge scale")
    check_state(trainer.state_dict(), final, "fp16 training from a huge scale")
    check(trainer.skipped_steps == sum(e["skipped"] for e in expected), "skipped_steps after overflowing steps")
    more = batches(2, 10, 6, 4, seed=90)
    expected, final = oracle_train(state, data + more, "fp16", "sgd", 0.2, **kwargs)
    check_history([trainer.train_step(x, y) for x, y in more], expected[-2:], "two more steps of the same trainer")
    check(trainer.skipped_steps == sum(e["skipped"] for e in expected), "skipped_steps counts across calls")


@pytest.mark.points(3)
def test_no_skipping_without_loss_scaling(lab):
    """fp32 and bf16 never skip (no loss scaling, as GradScaler(enabled=False)); the scale stays 1.0."""
    state = init_state(6, 12, 3, seed=31)
    data = batches(3, 8, 6, 3, seed=70)
    for precision in ("fp32", "bf16"):
        expected, final = oracle_train(state, data, precision, max_grad_norm=1.0, lr=0.2)
        trainer, history = run_trainer(lab, state, data, precision=precision, max_grad_norm=1.0, lr=0.2,
                                       init_scale=64.0, growth_interval=1)
        check_history(history, expected, f"{precision} training with clipping")
        check_state(trainer.state_dict(), final, f"{precision} training with clipping")
        poisoned = batches(1, 8, 6, 3, seed=80, poison=(0,))
        row = trainer.train_step(*poisoned[0])
        check(row["skipped"] is False and row["scale"] == 1.0, f"{precision}: a non-finite step is not skipped without loss scaling")
        check(trainer.step == 4 and trainer.skipped_steps == 0, f"{precision}: step counts every step")


@pytest.mark.points(3)
def test_trainer_defaults_and_errors(lab):
    """Defaults: bf16, SGD with lr 0.1, no clipping; ValueError for unknown names and bad settings."""
    state = init_state(5, 9, 3, seed=41)
    data = batches(3, 6, 5, 3, seed=90)
    expected, final = oracle_train(state, data, "bf16", "sgd", 0.1)
    trainer, history = run_trainer(lab, state, data)
    check_history(history, expected, "a trainer with the defaults")
    check_state(trainer.state_dict(), final, "a trainer with the defaults")
    expected, _ = oracle_train(state, data[:1], "fp16", "sgd", 0.1)
    trainer, history = run_trainer(lab, state, data[:1], precision="fp16")
    check(history[0]["scale"] == expected[0]["scale"] == 65536.0, "the default fp16 scale is 2**16")
    check(trainer.scaler.state() == torch.amp.GradScaler("cpu").state_dict() | {"_growth_tracker": 1},
          "the fp16 trainer's scaler should have GradScaler's defaults (and have counted one finite step)")
    custom = dict(init_scale=32.0, growth_factor=3.0, backoff_factor=0.25, growth_interval=7)
    check(lab.MixedPrecisionTrainer(state, precision="fp16", **custom).scaler.state()
          == torch.amp.GradScaler("cpu", **custom).state_dict() | {"scale": 32.0, "_growth_tracker": 0},
          "the trainer's scaler should take init_scale, growth_factor, backoff_factor and growth_interval")
    check(lab.MixedPrecisionTrainer(state, precision="bf16", **custom).scaler.state() == {},
          "a bf16 trainer's scaler is disabled")
    trainer, _ = run_trainer(lab, state, data[:2], max_grad_norm=0.0, lr=1.0)
    check_state(trainer.state_dict(), state, "max_grad_norm=0 clips the gradients to zero: SGD leaves the weights", atol=0.0)
    for call in (lambda: lab.MixedPrecisionTrainer(state, "fp16"), lambda: lab.train(state, data[0][0][None], data[0][1][None], "fp16")):
        with pytest.raises(TypeError):
            call()
            pytest.fail("the settings of MixedPrecisionTrainer and train are keyword-only")
    for kwargs in ({"precision": "fp8"}, {"precision": "bfloat16"}, {"device": "tpu"}, {"optimizer": "adam"},
                   {"max_grad_norm": -1.0}, {"growth_factor": 1.0}, {"precision": "bf16", "backoff_factor": 2.0},
                   {"growth_interval": 0}, {"init_scale": 0.0}):
        with pytest.raises(ValueError):
            lab.MixedPrecisionTrainer(state, **kwargs)
            pytest.fail(f"MixedPrecisionTrainer(state, **{kwargs}) should raise ValueError")


@pytest.mark.points(3)
def test_train_function(lab):
    """train() runs the trainer over S batches: per-step losses, scales and skips, and the final weights."""
    state = init_state(7, 18, 4, seed=51)
    for precision, optimizer, lr, poison in (("bf16", "sgd", 0.3, ()), ("fp16", "adamw", 0.02, (1,)),
                                             ("fp32", "sgd", 0.1, ()), ("fp16", "sgd", 0.2, (0, 3))):
        data = batches(5, 9, 7, 4, seed=100, poison=poison)
        xs = torch.stack([x for x, _ in data])
        ys = torch.stack([y for _, y in data])
        expected, final = oracle_train(state, data, precision, optimizer, lr)
        out = lab.train(state, xs, ys, precision=precision, optimizer=optimizer, lr=lr)
        check(isinstance(out, dict) and set(out) == {"losses", "scales", "skipped", "state_dict"},
              "train() should return a dict with keys 'losses', 'scales', 'skipped', 'state_dict'")
        check(all(len(out[k]) == 5 for k in ("losses", "scales", "skipped")), "train() should give one result per step")
        rows = [{"loss": a, "scale": b, "skipped": c} for a, b, c in zip(out["losses"], out["scales"], out["skipped"])]
        check_history(rows, expected, f"train() ({precision}, {optimizer})")
        check_state(out["state_dict"], final, f"train() ({precision}, {optimizer})")
    data = batches(2, 9, 7, 4, seed=100)
    out = lab.train(state, torch.stack([x for x, _ in data]), torch.stack([y for _, y in data]))
    expected, final = oracle_train(state, data, "bf16", "sgd", 0.1)
    check_state(out["state_dict"], final, "train() with the defaults")
