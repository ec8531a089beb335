"""Hidden tests for lab 45 (quantization).

Oracles:

* qparams: ``torch.ao.quantization.MinMaxObserver`` and
  ``PerChannelMinMaxObserver`` (their ``calculate_qparams``), with custom
  quant ranges for the 4-bit formats; the zero point of a symmetric uint4
  range (8) is the docstring's rule, written here;
* codes: ``torch.fake_quantize_per_tensor_affine`` /
  ``fake_quantize_per_channel_affine`` (float32, ``x * (1 / scale)``, halves
  to even, zero point added after rounding), exactly; exact halves with
  power-of-two scales and hand-written codes;
* fake quantization and its straight-through gradients: torch's fake-quantize
  functions and their autograd;
* percentile calibration: ``numpy.percentile`` in float64;
* packing: the stated nibble order, unpacked here with shifts and masks;
* int8 linear: ``F.linear`` with the weight dequantized by torch
  (``torch._make_per_channel_quantized_tensor(...).dequantize()``); the
  error bound from the float weight;
* QAT: a run built from torch's observers and fake-quantize functions.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.ao.quantization import MinMaxObserver, PerChannelMinMaxObserver

from autograder.testing import assert_close, check

torch.set_num_threads(1)

RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int4": (-8, 7), "uint4": (0, 15)}
STORAGE = {"int8": torch.int8, "uint8": torch.uint8, "int4": torch.int8, "uint4": torch.uint8}


def randn(shape, seed, scale=1.0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dtype)


def observer(dtype, symmetric, per_channel=False, axis=0):
    """The torch observer whose qparams the docstrings promise (custom ranges for 4 bits)."""
    qmin, qmax = RANGES[dtype]
    kw = {"dtype": torch.qint8 if qmin < 0 else torch.quint8}
    if dtype in ("int4", "uint4"):
        kw.update(quant_min=qmin, quant_max=qmax)
    if per_channel:
        scheme = torch.per_channel_symmetric if symmetric else torch.per_channel_affine
        return PerChannelMinMaxObserver(ch_axis=axis, qscheme=scheme, **kw)
    scheme = torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine
    return MinMaxObserver(qscheme=scheme, **kw)


def oracle_qparams(lo, hi, dtype, symmetric):
    """Observer qparams of the ranges lo[i]..hi[i] (1-D float32 tensors): a per-channel observer on (C, 2)."""
    lo, hi = torch.as_tensor(lo, dtype=torch.float32).reshape(-1), torch.as_tensor(hi, dtype=torch.float32).reshape(-1)
    obs = observer(dtype, symmetric, per_channel=True, axis=0)
    obs(torch.stack([lo, hi], dim=1))
    scale, zp = obs.calculate_qparams()
    zp = zp.long()
    if symmetric and dtype == "uint4":
        zp = torch.full_like(zp, 8)        # torch's custom-range midpoint would be 7; the docstring says 2**(bits-1)
    return scale.float(), zp


def check_qparams(got, scale, zp, what, shape=None):
    check(isinstance(got, (tuple, list)) and len(got) == 2, f"{what}: should return (scale, zero_point)")
    s, z = got
    shape = tuple(scale.shape) if shape is None else shape
    check(isinstance(s, torch.Tensor) and isinstance(z, torch.Tensor), f"{what}: scale and zero point should be tensors")
    check(tuple(s.shape) == shape, f"{what}: scale shape {tuple(s.shape)}, expected {shape}")
    check(tuple(z.shape) == shape, f"{what}: zero_point shape {tuple(z.shape)}, expected {shape}")
    assert_close(s, scale.reshape(shape), atol=0, rtol=2e-7, what=f"{what}: scale")
    assert_close(z, zp.reshape(shape), atol=0, rtol=0, what=f"{what}: zero_point")


def same_codes(got, expected, what):
    check(isinstance(got, torch.Tensor), f"{what}: should return a tensor")
    check(got.dtype == expected.dtype, f"{what}: codes should have dtype {expected.dtype}, got {got.dtype}")
    check(tuple(got.shape) == tuple(expected.shape), f"{what}: shape {tuple(got.shape)}, expected {tuple(expected.shape)}")
    wrong = int((got.long() != expected.long()).sum())
    check(wrong == 0, f"{what}: {wrong} codes differ from torch's")


# ---- qrange and qparams --------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_qrange(lab):
    """qrange gives the four code ranges; an unknown format raises ValueError."""
    for name, r in RANGES.items():
        got = lab.qrange(name)
        check(tuple(got) == r and all(type(v) is int for v in got), f"qrange({name!r}) should be {r} as ints")
    for bad in ("int16", "INT8", "fp8"):
        with pytest.raises(ValueError):
            lab.qrange(bad)


RANGE_CASES = [
    (-1.3, 2.7), (0.4, 5.0), (-6.0, -0.25), (0.0, 0.0), (-1e4, 3.5e3), (-3e-8, 1e-8),
    (-0.01, 250.0), (-77.7, 0.3), (2.0, 2.0), (-5e-39, 1e-39),
]


@pytest.mark.parametrize("dtype,symmetric", [("int8", False), ("int8", True), ("uint8", False), ("uint8", True)])
@pytest.mark.points(1)
def test_qparams_match_observer(lab, dtype, symmetric):
    """qparams_from_minmax equals MinMaxObserver's, per tensor (0-d) and per channel (1-D)."""
    lo = torch.tensor([a for a, _ in RANGE_CASES])
    hi = torch.tensor([b for _, b in RANGE_CASES])
    scale, zp = oracle_qparams(lo, hi, dtype, symmetric)
    check_qparams(lab.qparams_from_minmax(lo, hi, dtype, symmetric), scale, zp, f"{dtype} symmetric={symmetric}, 1-D")
    for i in (0, 1, 2, 3, 4, 5, 9):
        ms = MinMaxObserver(dtype=torch.qint8 if dtype == "int8" else torch.quint8,
                            qscheme=torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine)
        ms(torch.tensor([float(lo[i]), float(hi[i])]))
        s1, z1 = ms.calculate_qparams()
        got = lab.qparams_from_minmax(lo[i], hi[i], dtype, symmetric)
        check_qparams(got, s1.float(), z1.long(), f"{dtype} symmetric={symmetric}, range #{i}, 0-d", shape=())


@pytest.mark.points(2)
def test_qparams_defaults_and_4bit(lab):
    """Defaults are int8 affine; the 4-bit ranges follow the same rules (uint4 symmetric: zero point 8)."""
    g = torch.Generator().manual_seed(3)
    lo = -torch.rand(12, generator=g) * 3
    hi = torch.rand(12, generator=g) * 5
    lo[0], hi[0], lo[1], hi[1], lo[2], hi[2] = 0.5, 4.0, -2.0, -0.5, 0.0, 0.0
    lo[3], hi[3] = 0.2, 0.2
    scale, zp = oracle_qparams(lo, hi, "int8", False)
    check_qparams(lab.qparams_from_minmax(lo, hi), scale, zp, "defaults (int8, affine)")
    check_qparams(lab.qparams_from_minmax(max_val=hi, min_val=lo), scale, zp, "keyword call")
    for dtype in ("int4", "uint4"):
        for symmetric in (False, True):
            scale, zp = oracle_qparams(lo, hi, dtype, symmetric)
            check_qparams(lab.qparams_from_minmax(lo, hi, dtype, symmetric), scale, zp,
                          f"{dtype} symmetric={symmetric}")


@pytest.mark.points(4)
def test_zero_point_rounds_half_to_even(lab):
    """The zero point rounds lo / scale to the nearest integer, halves to even (not toward zero, not up)."""
    # scale = 1 exactly (a span of 255 over 255 steps): lo / scale is lo itself
    for lo, expected in ((-3.5, 4), (-2.5, 2), (-3.7, 4), (-3.3, 3), (-0.5, 0), (-1.5, 2), (-100.5, 100)):
        hi = lo + 255.0
        s, z = lab.qparams_from_minmax(torch.tensor(lo), torch.tensor(hi), "uint8")
        assert_close(s.reshape(()), torch.tensor(1.0), atol=0, rtol=0, what=f"scale of [{lo}, {hi}]")
        check(int(z) == expected, f"uint8 zero point of [{lo}, {hi}] (lo / scale = {lo}) should be {expected}, got {int(z)}")
        s, z = lab.qparams_from_minmax(torch.tensor(lo), torch.tensor(hi), "int8")
        check(int(z) == expected - 128, f"int8 zero point of [{lo}, {hi}]: should be {expected - 128}, got {int(z)}")
    # uint4: span 15 over 15 steps
    for lo, expected in ((-2.5, 2), (-6.5, 6), (-7.5, 8), (-0.5, 0)):
        s, z = lab.qparams_from_minmax(torch.tensor(lo), torch.tensor(lo + 15.0), "uint4")
        check(int(z) == expected, f"uint4 zero point with lo / scale = {lo}: should be {expected}, got {int(z)}")
    g = torch.Generator().manual_seed(5)
    lo, hi = -torch.rand(200, generator=g) * 10, torch.rand(200, generator=g) * 10
    scale, zp = oracle_qparams(lo, hi, "uint8", False)
    check_qparams(lab.qparams_from_minmax(lo, hi, "uint8"), scale, zp, "200 random ranges")


@pytest.mark.points(1)
def test_qparams_errors(lab):
    """min > max, shapes that differ, and unknown formats raise ValueError."""
    lab.qparams_from_minmax(torch.tensor([-1.0, 0.0]), torch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError):
        lab.qparams_from_minmax(torch.tensor(1.0), torch.tensor(-1.0))
    with pytest.raises(ValueError):
        lab.qparams_from_minmax(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 1.0]))
    for lo, hi in ((torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])),
                   (torch.tensor([0.0, 1.0, -1.0]), torch.tensor([1.0, 2.0])),
                   (torch.tensor(0.0), torch.tensor([1.0])), (torch.tensor([0.0]), torch.tensor(1.0))):
        with pytest.raises(ValueError):
            lab.qparams_from_minmax(lo, hi)
    with pytest.raises(ValueError):
        lab.qparams_from_minmax(torch.tensor(0.0), torch.tensor(1.0), "int16")


# ---- min-max observers ---------------------------------------------------------------------------------------

MINMAX_CASES = {
    "tensor-int8-affine": ((6, 9), None, "int8", False),
    "tensor-uint8-sym": ((40,), None, "uint8", True),
    "tensor-int8-sym-3d": ((3, 4, 5), None, "int8", True),
    "channel0-int8-sym": ((8, 16), 0, "int8", True),
    "channel0-uint8-affine": ((8, 16), 0, "uint8", False),
    "channel1-int8-affine-3d": ((3, 5, 4), 1, "int8", False),
    "channel-neg-uint8-sym": ((4, 3, 6), -1, "uint8", True),
    "channel2-uint4-affine": ((2, 3, 7), 2, "uint4", False),
}


@pytest.mark.parametrize("case", list(MINMAX_CASES))
@pytest.mark.points(1)
def test_minmax_matches_observers(lab, case):
    """minmax_qparams equals MinMaxObserver / PerChannelMinMaxObserver (axes, schemes, formats)."""
    shape, axis, dtype, symmetric = MINMAX_CASES[case]
    x = randn(shape, len(case), scale=3.0) + 0.7
    x.reshape(-1)[0] = 9.0                 # one outlier
    obs = observer(dtype, symmetric, per_channel=axis is not None, axis=axis if axis is not None else 0)
    obs(x)
    scale, zp = obs.calculate_qparams()
    if axis is None:
        scale, zp = scale.reshape(()), zp.reshape(())
    check_qparams(lab.minmax_qparams(x, dtype, symmetric, axis), scale.float(), zp.long(), case)


@pytest.mark.points(2)
def test_minmax_inputs_and_errors(lab):
    """Defaults, float64 / bfloat16 inputs and all-positive data; empty input and bad axes raise."""
    x = randn((5, 6), 8, scale=2.0).abs() + 0.5        # all positive: the range must still contain 0
    obs = observer("int8", False)
    obs(x)
    s, z = obs.calculate_qparams()
    check_qparams(lab.minmax_qparams(x), s.reshape(()), z.long().reshape(()), "defaults on all-positive data")
    check_qparams(lab.minmax_qparams(x.double()), s.reshape(()), z.long().reshape(()), "float64 input")
    xb = x.bfloat16()
    obs = observer("uint8", True, per_channel=True, axis=0)
    obs(xb.float())
    s, z = obs.calculate_qparams()
    check_qparams(lab.minmax_qparams(xb, "uint8", True, 0), s, z.long(), "bfloat16 input per channel")
    obs = observer("int8", True, per_channel=True, axis=0)
    obs(x)
    s, z = obs.calculate_qparams()
    check_qparams(lab.minmax_qparams(x, "int8", True, -2), s, z.long(), "axis=-2 of a 2-D tensor (rows)")
    with pytest.raises(ValueError):
        lab.minmax_qparams(torch.zeros(0))
    with pytest.raises(ValueError):
        lab.minmax_qparams(torch.zeros(3, 0), "int8", False, 0)
    for axis in (2, -3):
        with pytest.raises(IndexError):
            lab.minmax_qparams(x, "int8", False, axis)


# ---- calibration ---------------------------------------------------------------------------------------------


def calib_batches(seed):
    g = torch.Generator().manual_seed(seed)
    batches = [torch.randn(7, 5, generator=g) * 2 + 1, torch.randn(33, generator=g), torch.rand(4, 3, 2, generator=g) * 6]
    batches[1][5] = -40.0                  # outliers
    batches[2][0, 0, 0] = 55.0
    return batches


@pytest.mark.parametrize("dtype,symmetric", [("uint8", False), ("int8", True), ("int8", False)])
@pytest.mark.points(1)
def test_calibrate_minmax_running(lab, dtype, symmetric):
    """calibrate(method='minmax') equals MinMaxObserver after a forward on each batch in turn."""
    batches = calib_batches(11)
    obs = observer(dtype, symmetric)
    for b in batches:
        obs(b)
    s, z = obs.calculate_qparams()
    check_qparams(lab.calibrate(batches, "minmax", 99.0, dtype, symmetric), s.reshape(()), z.long().reshape(()),
                  f"min-max calibration ({dtype}, symmetric={symmetric})")


@pytest.mark.points(1)
def test_calibrate_defaults(lab):
    """calibrate's defaults: min-max, uint8, affine; a single all-positive batch."""
    batches = calib_batches(2)
    obs = observer("uint8", False)
    for b in batches:
        obs(b)
    s, z = obs.calculate_qparams()
    check_qparams(lab.calibrate(batches), s.reshape(()), z.long().reshape(()), "calibrate(batches)")
    one = [torch.rand(10, generator=torch.Generator().manual_seed(1)) + 3.0]
    obs = observer("uint8", False)
    obs(one[0])
    s, z = obs.calculate_qparams()
    check_qparams(lab.calibrate(one), s.reshape(()), z.long().reshape(()), "one all-positive batch")


def percentile_oracle(batches, p, dtype, symmetric):
    values = np.concatenate([b.double().numpy().reshape(-1) for b in batches])
    lo, hi = np.percentile(values, [100.0 - p, p])
    return oracle_qparams(torch.tensor([lo], dtype=torch.float64).float(),
                          torch.tensor([hi], dtype=torch.float64).float(), dtype, symmetric)


@pytest.mark.parametrize("p,dtype,symmetric", [(99.0, "uint8", False), (90.0, "int8", True),
                                               (99.9, "int8", False), (75.0, "uint8", True)])
@pytest.mark.points(1)
def test_calibrate_percentile(lab, p, dtype, symmetric):
    """Percentile calibration: the linear-interpolation percentiles of all batches, outliers clipped."""
    batches = calib_batches(int(p))
    s, z = percentile_oracle(batches, p, dtype, symmetric)
    check_qparams(lab.calibrate(batches, "percentile", p, dtype, symmetric), s.reshape(()), z.reshape(()),
                  f"percentile={p} ({dtype}, symmetric={symmetric})")


@pytest.mark.points(2)
def test_calibrate_percentile_edges(lab):
    """percentile=100 is the min-max range; the default percentile is 99.99; interpolation between values."""
    batches = calib_batches(4)
    obs = observer("uint8", False)
    for b in batches:
        obs(b)
    s, z = obs.calculate_qparams()
    check_qparams(lab.calibrate(batches, "percentile", 100.0), s.reshape(()), z.long().reshape(()), "percentile=100")
    big = [randn((3000,), 9), randn((2000,), 10, scale=3.0)]
    s, z = percentile_oracle(big, 99.99, "uint8", False)
    check_qparams(lab.calibrate(big, method="percentile"), s.reshape(()), z.reshape(()), "default percentile 99.99")
    ramp = [torch.arange(0.0, 11.0)]       # percentiles 95 / 5 of 0..10: 9.5 and 0.5 (range widened to 0)
    s, z = percentile_oracle(ramp, 95.0, "uint8", False)
    check_qparams(lab.calibrate(ramp, "percentile", 95.0), s.reshape(()), z.reshape(()), "interpolated percentile")
    assert_close(s.reshape(()), torch.tensor(9.5 / 255), atol=0, rtol=1e-6, what="oracle sanity")


@pytest.mark.points(1)
def test_calibrate_errors(lab):
    """Empty lists or batches, unknown methods or formats, and percentiles outside (50, 100] raise ValueError."""
    batches = calib_batches(1)
    lab.calibrate(batches, "percentile", 50.5)
    lab.calibrate(batches, "minmax", 10.0)             # percentile is ignored by min-max
    for args in (([],), ([torch.zeros(0)],), (batches, "mse"), (batches, "percentile", 50.0),
                 (batches, "percentile", 100.5), (batches, "percentile", 0.0), (batches, "minmax", 99.0, "int2"),
                 (batches, "avg"), (batches, "zscore"), ([torch.ones(10)], "percentile", 30.0),
                 (batches + [torch.zeros(2, 0)],)):
        with pytest.raises(ValueError):
            lab.calibrate(*args)


# ---- quantize / dequantize -----------------------------------------------------------------------------------


def torch_codes(x, scale, zp, dtype, axis=None):
    """Codes from torch's fake-quantize functions (float32 arithmetic, x * (1 / scale), halves to even)."""
    qmin, qmax = RANGES[dtype]
    x = x.float()
    if axis is None:
        fq = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), qmin, qmax)
        codes = torch.round(fq.double() / float(scale)) + int(zp)
    else:
        fq = torch.fake_quantize_per_channel_affine(x, scale.float(), zp.int(), axis, qmin, qmax)
        shape = [1] * x.dim()
        shape[axis] = -1
        codes = torch.round(fq.double() / scale.double().reshape(shape)) + zp.reshape(shape)
    return codes.to(STORAGE[dtype])


def qparams_for(x, dtype, symmetric, axis):
    obs = observer(dtype, symmetric, per_channel=axis is not None, axis=axis or 0)
    obs(x * 0.7)                           # a narrower range: some values saturate
    s, z = obs.calculate_qparams()
    if symmetric and dtype == "uint4":
        z = torch.full_like(z, 8)
    return (s.reshape(()), z.long().reshape(())) if axis is None else (s.float(), z.long())


QUANT_CASES = {
    "tensor-int8": ((10, 12), None, "int8", False),
    "tensor-uint8-sym": ((50,), None, "uint8", True),
    "channel0-int8-sym": ((6, 20), 0, "int8", True),
    "channel1-uint8-3d": ((3, 4, 10), 1, "uint8", False),
    "tensor-int4-sym": ((8, 8), None, "int4", True),
    "channel0-uint4": ((5, 16), 0, "uint4", False),
}


@pytest.mark.parametrize("case", list(QUANT_CASES))
@pytest.mark.points(1)
def test_quantize_matches_torch(lab, case):
    """quantize equals torch.quantize_per_tensor / per_channel (int_repr), saturating outside the range."""
    shape, axis, dtype, symmetric = QUANT_CASES[case]
    x = randn(shape, 20 + len(case), scale=4.0)
    s, z = qparams_for(x, dtype, symmetric, axis)
    same_codes(lab.quantize(x, s, z, dtype, axis), torch_codes(x, s, z, dtype, axis), case)


@pytest.mark.points(3)
def test_quantize_rounds_half_to_even(lab):
    """Codes round x / scale halves to even (0.5 -> 0, 2.5 -> 2, -1.5 -> -2) before adding the zero point."""
    x = torch.tensor([0.25, 0.75, 1.25, 1.75, -0.25, -0.75, -1.25, 3.25, 5.0, -0.5])   # / 0.5: .5, 1.5, 2.5, 3.5, ...
    halves = torch.tensor([0, 2, 2, 4, 0, -2, -2, 6, 10, -1])
    for dtype, zp in (("int8", 0), ("int8", -3), ("uint8", 100), ("int4", 1), ("uint4", 7)):
        qmin, qmax = RANGES[dtype]
        expected = torch.clamp(halves + zp, qmin, qmax).to(STORAGE[dtype])
        got = lab.quantize(x, 0.5, zp, dtype)
        same_codes(got, expected, f"{dtype} codes of exact halves (zero point {zp})")
        same_codes(got, torch_codes(x, torch.tensor(0.5), torch.tensor(zp), dtype),
                   f"{dtype} codes of exact halves against torch")
    xc = torch.tensor([[0.125, 0.375], [0.75, -0.75]])      # per channel: scales 0.25 and 0.5 -> 0.5, 1.5 / 1.5, -1.5
    got = lab.quantize(xc, torch.tensor([0.25, 0.5]), torch.tensor([0, 10]), "int8", 0)
    same_codes(got, torch.tensor([[0, 2], [12, 8]], dtype=torch.int8), "per-channel codes of exact halves")


@pytest.mark.points(2)
def test_quantize_input_types(lab):
    """Python float / int qparams, 0-d tensors, float64 inputs and the defaults (int8, per tensor) all work."""
    x = randn((4, 9), 31, scale=10.0, dtype=torch.float64)
    expected = torch_codes(x, torch.tensor(0.1), torch.tensor(-5), "int8")
    same_codes(lab.quantize(x, 0.1, -5), expected, "quantize(x, 0.1, -5)")
    same_codes(lab.quantize(x, torch.tensor(0.1), torch.tensor(-5)), expected, "0-d tensor qparams")
    same_codes(lab.quantize(x.float(), scale=0.1, zero_point=-5, dtype="int8", axis=None), expected, "keywords")
    big = torch.tensor([1e9, -1e9, 3e38, -3e38, 0.0])
    same_codes(lab.quantize(big, 0.01, 3, "uint8"), torch.tensor([255, 0, 255, 0, 3], dtype=torch.uint8),
               "saturation of huge values")


@pytest.mark.points(2)
def test_dequantize(lab):
    """dequantize is (q - zero_point) * scale in float32, per tensor and per channel."""
    g = torch.Generator().manual_seed(4)
    q = torch.randint(-128, 128, (6, 7), generator=g, dtype=torch.int8)
    expected = torch._make_per_tensor_quantized_tensor(q, 0.037, -11).dequantize()
    assert_close(lab.dequantize(q, 0.037, -11), expected, atol=1e-6, rtol=1e-6, what="per-tensor dequantize")
    scale = torch.rand(7, generator=g) + 0.01
    zp = torch.randint(-20, 20, (7,), generator=g)
    expected = torch._make_per_channel_quantized_tensor(q, scale.double(), zp, 1).dequantize()
    assert_close(lab.dequantize(q, scale, zp, 1), expected, atol=1e-6, rtol=1e-6, what="per-channel dequantize (axis=1)")
    qu = torch.randint(0, 256, (5,), generator=g, dtype=torch.uint8)
    expected = torch._make_per_tensor_quantized_tensor(qu, 0.5, 200).dequantize()
    assert_close(lab.dequantize(qu, torch.tensor(0.5), torch.tensor(200)), expected, atol=0, rtol=0,
                 what="uint8 codes (no wrap-around)")


@pytest.mark.points(1)
def test_quantize_errors(lab):
    """Non-positive scales (quantize and fake_quantize), qparams of the wrong shape, bad axes and unknown formats raise."""
    x = randn((3, 4), 1)
    lab.quantize(x, torch.ones(4), torch.zeros(4, dtype=torch.long), "int8", 1)
    for args in ((x, 0.0, 0), (x, -0.1, 0), (x, torch.tensor([1.0, -1.0, 1.0]), torch.zeros(3, dtype=torch.long), "int8", 0),
                 (x, torch.ones(4), torch.zeros(4, dtype=torch.long), "int8", 0), (x, 0.1, 0, "int3"),
                 (x, torch.ones(2), torch.zeros(2, dtype=torch.long))):
        with pytest.raises(ValueError):
            lab.quantize(*args)
    with pytest.raises(IndexError):
        lab.quantize(x, torch.ones(3), torch.zeros(3, dtype=torch.long), "int8", 2)
    with pytest.raises(IndexError):
        lab.quantize(x, torch.ones(3), torch.zeros(3, dtype=torch.long), "int8", -3)
    same_codes(lab.quantize(x, torch.ones(3), torch.zeros(3, dtype=torch.long), "int8", -2),
               torch_codes(x, torch.ones(3), torch.zeros(3, dtype=torch.long), "int8", 0), "axis=-2 of a 2-D tensor")
    with pytest.raises(ValueError):
        lab.quantize(x, torch.ones(0), torch.zeros(0, dtype=torch.long))
    lab.fake_quantize(x, torch.ones(4), torch.zeros(4, dtype=torch.long), "int8", 1)
    for args in ((x, 0.0, 0), (x, -0.5, 0), (x, torch.tensor([0.1, 0.2, -0.1]), torch.zeros(3, dtype=torch.long), "int8", 0),
                 (x, torch.tensor([0.1, 0.0, 0.1]), torch.zeros(3, dtype=torch.long), "int8", 0)):
        with pytest.raises(ValueError):
            lab.fake_quantize(*args)
    with pytest.raises(ValueError):
        lab.dequantize(torch.zeros(3, 4, dtype=torch.int8), torch.ones(3), torch.zeros(3, dtype=torch.long), 1)


# ---- fake quantization and the straight-through estimator ----------------------------------------------------


def torch_fake(x, scale, zp, dtype, axis):
    qmin, qmax = RANGES[dtype]
    if axis is None:
        return torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), qmin, qmax)
    return torch.fake_quantize_per_channel_affine(x, scale.float(), zp.int(), axis, qmin, qmax)


FAKE_CASES = {
    "tensor-uint8": ((8, 10), None, "uint8", torch.tensor(0.0625), torch.tensor(100)),
    "tensor-int8": ((40,), None, "int8", torch.tensor(0.03125), torch.tensor(-7)),
    "channel-int8": ((4, 12), 0, "int8", torch.tensor([0.03125, 0.0625, 0.015625, 0.125]), torch.tensor([0, 3, -2, 0])),
    "channel-int4": ((3, 8), 1, "int4", 2.0 ** -torch.arange(1, 9).float(), torch.tensor([0, 1, -1, 2, 0, 0, 3, -3])),
    "tensor-uint4": ((30,), None, "uint4", torch.tensor(0.25), torch.tensor(9)),
}


@pytest.mark.parametrize("case", list(FAKE_CASES))
@pytest.mark.points(1)
def test_fake_quantize_matches_torch(lab, case):
    """fake_quantize's output and straight-through gradient equal torch's fake-quantize functions'."""
    shape, axis, dtype, scale, zp = FAKE_CASES[case]
    x = randn(shape, 50 + len(case), scale=float(scale.max()) * RANGES[dtype][1] * 0.8)
    if dtype in ("int8", "uint8"):
        x.reshape(-1)[:6] = torch.tensor([1e3, -1e3, 0.0, 1e-3, -5e2, 7e2])
    xt = x.clone().requires_grad_(True)
    ref = torch_fake(xt, scale, zp, dtype, axis)
    gout = randn(shape, 99)
    (gref,) = torch.autograd.grad(ref, xt, gout)
    res = lab.vjp(lab.fake_quantize, x, scale, zp, dtype, axis, grad_output=gout)
    assert_close(res.output, ref.detach(), atol=1e-6, rtol=1e-6, what=f"fake_quantize output ({case})")
    assert_close(res.grads[0], gref, atol=0, rtol=0, what=f"fake_quantize gradient ({case})")
    check(0 < int((gref == 0).sum()) < gref.numel(), "oracle sanity: some values clamped, some not")


@pytest.mark.points(4)
def test_ste_at_the_range_edges(lab):
    """The gradient passes where round(x / scale) + zero_point lies in [qmin, qmax], even just outside qmax * scale."""
    s = 0.5
    # int8, zp 0: x / s = 127.4 rounds to 127 (inside), 127.5 -> 128 (out), -128.4 -> -128 (in), -128.5 -> -128 (in), -128.6 (out)
    x = torch.tensor([63.7, 63.75, 64.0, -64.2, -64.25, -64.3, 10.0, -80.0])
    expected = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    xt = x.clone().requires_grad_(True)
    (gref,) = torch.autograd.grad(torch.fake_quantize_per_tensor_affine(xt, s, 0, -128, 127), xt, torch.ones(8))
    assert_close(gref, expected, atol=0, rtol=0, what="oracle sanity")
    res = lab.vjp(lab.fake_quantize, x, s, 0, grad_output=torch.full((8,), 3.0))
    assert_close(res.grads[0], expected * 3.0, atol=0, rtol=0, what="int8 straight-through gradient at the edges")
    assert_close(res.output, torch.fake_quantize_per_tensor_affine(x, s, 0, -128, 127), atol=0, rtol=0,
                 what="int8 fake_quantize at the edges")
    # uint4 with zero point 3: codes x / s + 3 in [0, 15]
    x = torch.tensor([-1.75, -1.5, -1.2, 6.2, 6.25, 6.3, 2.0])
    xt = x.clone().requires_grad_(True)
    (gref,) = torch.autograd.grad(torch.fake_quantize_per_tensor_affine(xt, s, 3, 0, 15), xt, torch.ones(7))
    res = lab.vjp(lab.fake_quantize, x, s, 3, "uint4", grad_output=torch.ones(7))
    assert_close(res.grads[0], gref, atol=0, rtol=0, what="uint4 straight-through gradient at the edges")


# ---- int4 packing and group-wise quantization ----------------------------------------------------------------


def oracle_unpack(packed, signed):
    p = packed.long()
    codes = torch.stack([p & 15, (p >> 4) & 15], dim=-1).reshape(*packed.shape[:-1], -1)
    return torch.where(codes >= 8, codes - 16, codes) if signed else codes


@pytest.mark.points(4)
def test_pack_int4_low_nibble_first(lab):
    """pack_int4 puts code 2j in the low nibble and 2j+1 in the high nibble (two's complement for negatives)."""
    cases = [
        ([1, 2], [0x21]), ([2, 1], [0x12]), ([-1, 0], [0x0F]), ([0, -1], [0xF0]), ([-8, 7], [0x78]),
        ([15, 0, 3, 12], [0x0F, 0xC3]), ([-2, -3, 5, -8], [0xDE, 0x85]),
    ]
    for codes, expected in cases:
        dt = torch.int8 if min(codes) < 0 else torch.uint8
        got = lab.pack_int4(torch.tensor(codes, dtype=dt))
        check(isinstance(got, torch.Tensor) and got.dtype == torch.uint8, "pack_int4 should return a torch.uint8 tensor")
        check(got.tolist() == expected, f"pack_int4 of {codes}: got {[hex(v) for v in got.tolist()]}")
    two_d = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], dtype=torch.int64)
    check(lab.pack_int4(two_d).tolist() == [[0x21, 0x43], [0x65, 0x87]], "pack_int4 packs each row along the last dim")
    for packed, signed, codes in (([0x21, 0xF8], False, [1, 2, 8, 15]), ([0x21, 0xF8], True, [1, 2, -8, -1]),
                                  ([0x7F], True, [-1, 7])):
        got = lab.unpack_int4(torch.tensor(packed, dtype=torch.uint8), signed)
        check(got.dtype == (torch.int8 if signed else torch.uint8), f"unpack_int4(signed={signed}) dtype, got {got.dtype}")
        check(got.tolist() == codes, f"unpack_int4({[hex(p) for p in packed]}, signed={signed}) should be {codes}")


@pytest.mark.points(2)
def test_pack_unpack_roundtrip(lab):
    """unpack_int4(pack_int4(c)) gives c back for random signed and unsigned codes of any batch shape."""
    g = torch.Generator().manual_seed(6)
    u = torch.randint(0, 16, (3, 5, 8), generator=g, dtype=torch.uint8)
    s = torch.randint(-8, 8, (7, 6), generator=g, dtype=torch.int8)
    pu, ps = lab.pack_int4(u), lab.pack_int4(s)
    check(tuple(pu.shape) == (3, 5, 4) and tuple(ps.shape) == (7, 3), "packed shapes should halve the last dimension")
    check(bool((oracle_unpack(pu, False) == u.long()).all()), "packed unsigned codes are not low-nibble-first")
    check(bool((oracle_unpack(ps, True) == s.long()).all()), "packed signed codes are not low-nibble-first two's complement")
    check(bool((lab.unpack_int4(pu) == u).all()), "unpack_int4(pack_int4(codes)) differs for unsigned codes")
    check(bool((lab.unpack_int4(ps, signed=True) == s).all()), "unpack_int4(pack_int4(codes), signed=True) differs")
    check(bool((lab.pack_int4(s.int()) == ps).all()), "int32 codes pack like int8 codes")


@pytest.mark.points(1)
def test_pack_errors(lab):
    """Odd lengths, out-of-range values, float or 0-d input raise ValueError; unpack needs uint8."""
    lab.pack_int4(torch.tensor([-8, 15]))
    for bad in (torch.tensor([1, 2, 3]), torch.tensor([16, 0]), torch.tensor([-9, 0]), torch.tensor([1.0, 2.0]),
                torch.tensor(3)):
        with pytest.raises(ValueError):
            lab.pack_int4(bad)
    with pytest.raises(ValueError):
        lab.unpack_int4(torch.tensor([1, 2], dtype=torch.int8))
    with pytest.raises(ValueError):
        lab.unpack_int4(torch.tensor(3, dtype=torch.uint8))


def group_oracle(w, group_size, symmetric):
    out, n_in = w.shape
    dtype = "int4" if symmetric else "uint4"
    rows = w.reshape(-1, group_size)
    obs = observer(dtype, symmetric, per_channel=True, axis=0)
    obs(rows)
    scale, zp = obs.calculate_qparams()
    qmin, qmax = RANGES[dtype]
    fq = torch.fake_quantize_per_channel_affine(rows, scale, zp.int(), 0, qmin, qmax)
    codes = torch.round(fq.double() / scale.double()[:, None]) + zp[:, None]
    shape = (out, n_in // group_size)
    return codes.long().reshape(out, n_in), scale.reshape(shape), zp.long().reshape(shape)


@pytest.mark.parametrize("shape,group_size,symmetric", [((6, 64), 32, False), ((4, 48), 16, True),
                                                        ((3, 8), 8, False), ((5, 12), 2, True)],
                         ids=["g32-uint4", "g16-int4", "g8-uint4", "g2-int4"])
@pytest.mark.points(1)
def test_int4_groupwise(lab, shape, group_size, symmetric):
    """Group-wise int4: each group's qparams equal the observer's, codes equal torch's, packed low nibble first."""
    w = randn(shape, group_size, scale=0.05)
    w[0, :group_size] += 0.2               # a group far from zero
    codes, scale, zp = group_oracle(w, group_size, symmetric)
    got = lab.quantize_int4_groupwise(w, group_size, symmetric)
    check(isinstance(got, (tuple, list)) and len(got) == 3, "should return (packed, scale, zero_point)")
    packed, s, z = got
    check(packed.dtype == torch.uint8 and tuple(packed.shape) == (shape[0], shape[1] // 2),
          f"packed should be uint8 of shape {(shape[0], shape[1] // 2)}")
    check_qparams((s, z), scale, zp, "group qparams")
    wrong = int((oracle_unpack(packed, symmetric) != codes).sum())
    check(wrong == 0, f"{wrong} unpacked 4-bit codes differ from torch's (packing order or rounding)")
    deq = lab.dequantize_int4_groupwise(packed, s, z, group_size, symmetric)
    expected = ((oracle_unpack(packed, symmetric) - zp.repeat_interleave(group_size, 1)).float()
                * scale.repeat_interleave(group_size, 1))
    assert_close(deq, expected, atol=1e-7, rtol=1e-6, what="dequantize_int4_groupwise")
    bound = scale.repeat_interleave(group_size, 1) / 2 * (1 + 1e-5) + 1e-9
    err = (deq - w).abs()
    check(bool((err <= bound).all()), f"{int((err > bound).sum())} weights are further than half their group's scale")


@pytest.mark.points(2)
def test_int4_defaults_and_errors(lab):
    """Defaults: group_size 128, asymmetric uint4; bad shapes and group sizes raise ValueError."""
    w = randn((2, 256), 77, scale=0.1)
    codes, scale, zp = group_oracle(w, 128, False)
    packed, s, z = lab.quantize_int4_groupwise(w)
    check_qparams((s, z), scale, zp, "defaults")
    check(int((oracle_unpack(packed, False) != codes).sum()) == 0, "codes with the defaults")
    assert_close(lab.dequantize_int4_groupwise(packed, s, z), ((codes - zp.repeat_interleave(128, 1)).float()
                 * scale.repeat_interleave(128, 1)), atol=1e-7, rtol=1e-6, what="dequantize with the defaults")
    for args in ((w, 100), (w, 3), (w, 0), (w, -128), (w.reshape(-1), 128), (w.reshape(2, 2, 128), 128),
                 (randn((2, 6), 1), 3)):
        with pytest.raises(ValueError):
            lab.quantize_int4_groupwise(*args)
    lab.dequantize_int4_groupwise(packed, s.repeat_interleave(64, 1), z.repeat_interleave(64, 1), 2)
    bad_calls = [
        (packed, s[:, :1], z[:, :1]), (packed.to(torch.int8), s, z), (packed, s, z[:1]),
        (packed, torch.cat([s, s], 1), torch.cat([z, z], 1)), (packed, s, torch.cat([z, z], 1)),
        (packed, torch.cat([s, s], 0), z), (packed.reshape(-1), s, z), (packed.reshape(2, 1, 128), s, z), (packed.reshape(2, 128, 1), s, z),
        (packed, s, z, 0), (packed, s.repeat_interleave(4, 1)[:, :3], z.repeat_interleave(4, 1)[:, :3], 3),
        (packed, s, z, -128), (packed, s.repeat_interleave(256, 1), z.repeat_interleave(256, 1), 1),
    ]
    for args in bad_calls:
        with pytest.raises(ValueError):
            lab.dequantize_int4_groupwise(*args)


# ---- int8 linear ---------------------------------------------------------------------------------------------


def torch_dequant_weight(q, scale, zp):
    if scale.dim() == 0:
        return torch._make_per_tensor_quantized_tensor(q, float(scale), int(zp)).dequantize()
    return torch._make_per_channel_quantized_tensor(q, scale.double(), zp.long(), 0).dequantize()


def int8_case(seed, out, n_in, per_channel, symmetric):
    w = randn((out, n_in), seed, scale=0.1) * (torch.arange(out)[:, None] % 4 + 1)
    obs = observer("int8", symmetric, per_channel=per_channel, axis=0)
    obs(w)
    s, z = obs.calculate_qparams()
    s, z = (s.float(), z.long()) if per_channel else (s.reshape(()), z.long().reshape(()))
    q = torch_codes(w, s, z, "int8", 0 if per_channel else None)
    return w, q, s, z


LINEAR_CASES = {
    "channel-sym": ((8, 32), True, True, True, (5,)),
    "channel-affine": ((6, 20), True, False, True, (4,)),
    "tensor-sym": ((7, 16), False, True, True, (3,)),
    "tensor-affine-nobias": ((5, 24), False, False, False, (2,)),
    "channel-3d-input": ((9, 12), True, False, True, (2, 3)),
}


@pytest.mark.parametrize("case", list(LINEAR_CASES))
@pytest.mark.points(1)
def test_int8_linear_matches_dequantized(lab, case):
    """int8_linear equals F.linear with the weight dequantized by torch (per channel / tensor, zero points, bias)."""
    (out, n_in), per_channel, symmetric, with_bias, batch = LINEAR_CASES[case]
    w, q, s, z = int8_case(len(case), out, n_in, per_channel, symmetric)
    x = randn(batch + (n_in,), 200 + len(case), scale=3.0)
    b = randn((out,), 300) if with_bias else None
    expected = F.linear(x, torch_dequant_weight(q, s, z), b)
    got = lab.int8_linear(x, q, s, z, b) if with_bias else lab.int8_linear(x, q, s, z)
    assert_close(got, expected, atol=1e-4, rtol=1e-4, what=f"int8_linear ({case})")


@pytest.mark.points(1)
def test_int8_linear_errors(lab):
    """A weight that is not 2-D int8, or qparams of the wrong shape, raise ValueError."""
    w, q, s, z = int8_case(1, 4, 8, True, True)
    x = randn((2, 8), 1)
    lab.int8_linear(x, q, s, z)
    for args in ((x, q.float(), s, z), (x, q.to(torch.uint8), s, z), (x, q.reshape(-1), s, z),
                 (x, q, s[:3], z[:3]), (x, q, s, z[:3]), (x, q, s.reshape(4, 1), z.reshape(4, 1)),
                 (x, q.reshape(-1), s[0], z[0]), (x, q.reshape(4, 2, 4), s[0], z[0]), (x, q.reshape(1, 4, 8), s, z),
                 (x, q, s, torch.zeros(5, dtype=torch.long)), (x, q, s, z[0]), (x, q, s[0], z)):
        with pytest.raises(ValueError):
            lab.int8_linear(*args)


QL_CASES = {"sym-channel": (True, True), "affine-channel": (False, True), "sym-tensor": (True, False),
            "affine-tensor": (False, False)}


@pytest.mark.parametrize("case", list(QL_CASES))
@pytest.mark.points(1)
def test_quantized_linear(lab, case):
    """QuantizedLinear's codes and qparams equal torch's; its output stays within the bound its scales imply."""
    symmetric, per_channel = QL_CASES[case]
    w, q, s, z = int8_case(40 + len(case), 10, 24, per_channel, symmetric)
    b = randn((10,), 5)
    ql = lab.QuantizedLinear(w, b, symmetric, per_channel)
    check_qparams((ql.scale, ql.zero_point), s, z, f"QuantizedLinear qparams ({case})")
    same_codes(ql.weight_q, q, f"QuantizedLinear.weight_q ({case})")
    assert_close(ql.bias, b, atol=0, rtol=0, what="QuantizedLinear.bias")
    x = randn((16, 24), 7, scale=2.0)
    x[0] = 50.0 * torch.sign(x[0])         # a large input: a large bound
    y = ql(x)
    assert_close(y, F.linear(x, torch_dequant_weight(ql.weight_q, s, z), b), atol=1e-3, rtol=1e-4,
                 what="QuantizedLinear forward")
    bound = x.abs().sum(-1, keepdim=True) * (s.reshape(-1) / 2)
    got_bound = ql.error_bound(x)
    assert_close(got_bound, bound.expand(16, 10).contiguous(), atol=1e-6, rtol=1e-5, what="error_bound")
    err = (y - F.linear(x, w, b)).abs()
    check(bool((err <= bound * (1 + 1e-4) + 1e-4).all()), f"{int((err > bound).sum())} outputs exceed the error bound")
    check(float((err / bound).max()) > 0.05, "oracle sanity: the bound is not vacuous")


@pytest.mark.points(1)
def test_quantized_linear_defaults_and_errors(lab):
    """Defaults: symmetric per-channel int8, no bias; 3-D inputs; bad shapes raise ValueError."""
    w, q, s, z = int8_case(9, 6, 10, True, True)
    ql = lab.QuantizedLinear(w)
    check(ql.bias is None, "bias should be None when not given")
    check_qparams((ql.scale, ql.zero_point), s, z, "default qparams")
    x = randn((2, 3, 10), 2)
    assert_close(ql(x), F.linear(x, torch_dequant_weight(ql.weight_q, s, z)), atol=1e-5, rtol=1e-5,
                 what="forward of a 3-D input")
    check(tuple(ql.error_bound(x).shape) == (2, 3, 6), "error_bound of a (2, 3, 10) input should be (2, 3, 6)")
    for args in ((w.reshape(-1),), (w.reshape(2, 3, 10),), (w, torch.zeros(5)), (w, torch.zeros(7)), (w, torch.zeros(1, 6))):
        with pytest.raises(ValueError):
            lab.QuantizedLinear(*args)


# ---- QAT -----------------------------------------------------------------------------------------------------


class OracleQAT:
    """QAT linear from torch's observers and fake-quantize functions."""

    def __init__(self, w, b, quantize_input=True):
        self.w = w.clone().requires_grad_(True)
        self.b = None if b is None else b.clone().requires_grad_(True)
        self.obs = MinMaxObserver(dtype=torch.quint8) if quantize_input else None

    def __call__(self, x, training=True):
        if self.obs is not None:
            if training:
                self.obs(x.detach())
            s, z = self.obs.calculate_qparams()
            x = torch.fake_quantize_per_tensor_affine(x, float(s), int(z), 0, 255)
        wobs = PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
        wobs(self.w.detach())
        s, z = wobs.calculate_qparams()
        wq = torch.fake_quantize_per_channel_affine(self.w, s, z.int(), 0, -128, 127)
        return F.linear(x, wq, self.b)


def qat_batches(seed, n=3):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(6, 12, generator=g) * (1 + i) + 0.3 * i for i in range(n)]


@pytest.mark.points(5)
def test_qat_matches_fake_quantize_modules(lab):
    """QATLinear's outputs and gradients (input, weight, bias) equal a run with torch's observers and fake quant."""
    w, b = randn((5, 12), 1, scale=0.3), randn((5,), 2)
    oracle = OracleQAT(w, b)
    h = lab.QATLinear(w, b)
    for i, x in enumerate(qat_batches(3)):
        xt = x.clone().requires_grad_(True)
        ref = oracle(xt)
        gout = randn(ref.shape, 10 + i)
        gx, gw, gb = torch.autograd.grad(ref, (xt, oracle.w, oracle.b), gout)
        res = lab.vjp(h, x, grad_output=gout, params=True)
        assert_close(res.output, ref.detach(), atol=1e-5, rtol=1e-5, what=f"QAT output, batch {i}")
        assert_close(res.grads[0], gx, atol=1e-5, rtol=1e-5, what=f"QAT input gradient, batch {i}")
        check(set(res.param_grads) == {"weight", "bias"}, "QATLinear's parameters should be named weight and bias")
        assert_close(res.param_grads["weight"], gw, atol=1e-5, rtol=1e-5, what=f"QAT weight gradient, batch {i}")
        assert_close(res.param_grads["bias"], gb, atol=1e-5, rtol=1e-5, what=f"QAT bias gradient, batch {i}")
    check(int((gw == 0).sum()) > 0, "oracle sanity: some weight gradients are cut by the STE")


@pytest.mark.points(3)
def test_qat_running_range_and_eval(lab):
    """The input range accumulates over training calls only; eval mode reuses it; before training it raises."""
    w, b = randn((4, 12), 4, scale=0.3), randn((4,), 5)
    h = lab.QATLinear(w, b)
    with pytest.raises(RuntimeError):
        h.input_qparams()
    h.eval()
    with pytest.raises(RuntimeError):
        h(qat_batches(1)[0])
    h.train()
    oracle = OracleQAT(w, b)
    batches = qat_batches(8, n=4)
    for x in batches[:3]:
        h(x)
        oracle(x)
    s, z = oracle.obs.calculate_qparams()
    check_qparams(h.input_qparams(), s.reshape(()), z.long().reshape(()), "input qparams after 3 training batches")
    h.eval()
    wide = batches[3] * 10                 # a wider range, seen in eval mode: must not change the qparams
    wt = wide.clone().requires_grad_(True)
    ref = oracle(wt, training=False)
    (gx,) = torch.autograd.grad(ref, (wt,), torch.ones_like(ref))
    check(0 < int((gx == 0).sum()) < gx.numel(), "oracle sanity: some inputs are clamped")
    res = lab.vjp(h, wide, grad_output=torch.ones_like(ref))
    assert_close(res.output, ref.detach(), atol=1e-5, rtol=1e-5, what="eval-mode output")
    assert_close(res.grads[0], gx, atol=1e-5, rtol=1e-5, what="eval-mode input gradient (clamped inputs get none)")
    check_qparams(h.input_qparams(), s.reshape(()), z.long().reshape(()), "input qparams after an eval-mode call")
    h.train()
    h(wide)
    oracle(wide)
    s, z = oracle.obs.calculate_qparams()
    check_qparams(h.input_qparams(), s.reshape(()), z.long().reshape(()), "input qparams after training again")


@pytest.mark.points(2)
def test_qat_without_input_quantization(lab):
    """quantize_input=False fake-quantizes the weight only; no bias works; the weight's max gets no gradient."""
    w = randn((3, 8), 6, scale=0.5)
    oracle = OracleQAT(w, None, quantize_input=False)
    h = lab.QATLinear(w, None, False)
    x = randn((4, 8), 7, scale=5.0)
    h.eval()                               # no input range needed
    ref = oracle(x)
    (gw,) = torch.autograd.grad(ref, (oracle.w,), torch.ones_like(ref))
    res = lab.vjp(h, x, grad_output=torch.ones_like(ref), params=True)
    assert_close(res.output, ref.detach(), atol=1e-5, rtol=1e-5, what="weight-only QAT output")
    check(set(res.param_grads) == {"weight"}, "without a bias, weight is the only parameter")
    assert_close(res.param_grads["weight"], gw, atol=1e-5, rtol=1e-5, what="weight-only QAT weight gradient")
    check(int((gw == 0).sum()) >= 1, "oracle sanity: the largest positive weight of a row rounds out of range")
    for args in ((w.reshape(-1),), (w.reshape(3, 2, 4),), (w, torch.zeros(4)), (w, torch.zeros(2)), (w, torch.zeros(3, 1))):
        with pytest.raises(ValueError):
            lab.QATLinear(*args)
