"""Public sanity checks for lab 45 (quantization).

Run with ``autograder test lab45_quantization``. Passing these does not mean
the hidden tests pass: they compare your qparams with torch's MinMaxObserver
and PerChannelMinMaxObserver on many ranges, axes and formats, your codes and
fake quantization (values and straight-through gradients) with torch's
fake-quantize functions, check rounding at exact halves, the nibble order of
the int4 packing, percentile calibration against numpy.percentile, the int8
linear against a dequantized weight and its error bound, QAT against a run
built from torch's observers, and every error the docstrings name.
torch.ao.quantization is a good thing to compare with in your own
experiments (quantization.py itself may not use it).
"""

from __future__ import annotations

import pytest
import torch

from autograder.testing import assert_close, check


def test_qrange_int8(lab):
    """qrange('int8') is (-128, 127)."""
    check(tuple(lab.qrange("int8")) == (-128, 127), f"got {lab.qrange('int8')}")


def test_affine_qparams_small_example(lab):
    """The range [-1, 3] in uint8: scale 4 / 255, and 0 maps to the code round(255 / 4) = 64."""
    scale, zp = lab.qparams_from_minmax(torch.tensor(-1.0), torch.tensor(3.0), "uint8")
    assert_close(scale, torch.tensor(4.0 / 255), atol=0, rtol=1e-6, what="scale")
    check(zp.dtype == torch.int64 and int(zp) == 64, f"zero point should be int64 64, got {zp.dtype} {int(zp)}")


def test_symmetric_int8_zero_point(lab):
    """Symmetric int8 qparams have zero point 0 and scale amax / 127.5."""
    scale, zp = lab.minmax_qparams(torch.tensor([-2.0, 0.5, 1.0]), "int8", True)
    assert_close(scale, torch.tensor(2.0 / 127.5), atol=0, rtol=1e-6, what="scale")
    check(int(zp) == 0, f"zero point should be 0, got {int(zp)}")


def test_quantize_then_dequantize(lab):
    """Quantizing and dequantizing with scale 0.1 moves no value by more than 0.05 inside the range."""
    x = torch.linspace(-5.0, 5.0, 41)
    q = lab.quantize(x, 0.1, 0, "int8")
    check(q.dtype == torch.int8, f"int8 codes should be torch.int8, got {q.dtype}")
    back = lab.dequantize(q, 0.1, 0)
    check(float((back - x).abs().max()) <= 0.05 + 1e-6, "round trip error larger than half a scale")


def test_round_half_to_even(lab):
    """1.5 and 2.5 (scale 1) both round to 2."""
    q = lab.quantize(torch.tensor([1.5, 2.5]), 1.0, 0)
    check(q.tolist() == [2, 2], f"got {q.tolist()}")


def test_pack_two_codes(lab):
    """[3, 10] packs into one byte, low nibble first: 0xA3."""
    packed = lab.pack_int4(torch.tensor([3, 10], dtype=torch.uint8))
    check(packed.dtype == torch.uint8 and packed.tolist() == [0xA3], f"got {packed.tolist()}")
    check(lab.unpack_int4(packed).tolist() == [3, 10], "unpack_int4 should give the codes back")


def test_fake_quantize_gradient_inside(lab):
    """Inside the range the straight-through gradient is 1."""
    res = lab.vjp(lab.fake_quantize, torch.tensor([0.3, -0.7]), 0.1, 0, grad_output=torch.ones(2))
    assert_close(res.grads[0], torch.ones(2), atol=0, rtol=0, what="gradient")


def test_int8_linear_identity(lab):
    """An identity weight (codes 1, scale 1) gives back x plus the bias."""
    x = torch.randn(3, 4)
    y = lab.int8_linear(x, torch.eye(4, dtype=torch.int8), torch.ones(4), torch.zeros(4, dtype=torch.int64), torch.ones(4))
    assert_close(y, x + 1, atol=1e-6, rtol=0, what="int8_linear with an identity weight")


def test_quantized_linear_close(lab):
    """QuantizedLinear stays close to the float Linear."""
    w = torch.randn(6, 8) * 0.2
    layer = lab.QuantizedLinear(w)
    x = torch.randn(5, 8)
    err = (layer(x) - x @ w.T).abs()
    check(bool((err <= layer.error_bound(x) + 1e-5).all()), "an output is further from the float result than the bound")


def test_qat_needs_training_first(lab):
    """QATLinear in eval mode before any training call raises RuntimeError."""
    layer = lab.QATLinear(torch.randn(2, 3))
    layer.eval()
    with pytest.raises(RuntimeError):
        layer(torch.randn(1, 3))
