"""Public sanity checks for lab 40 (mixed precision).

Run with ``autograder test lab40_mixed_precision``. Passing these does not
mean the hidden tests pass: those compare every format with ``torch.finfo``
and with a decoder of every bit pattern, fp8 codes with torch's casts for
many values and scales, the loss scaler with ``torch.amp.GradScaler`` step
by step, and the trainer with the ``autocast`` + ``GradScaler`` loop over
several steps, with skipped steps, clipping and both optimisers.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from autograder.testing import assert_close, check


def test_float16_facts(lab):
    """float16: bias 15, largest 65504, epsilon 2**-10."""
    info = lab.dtype_info("float16")
    check(info["bias"] == 15, "float16 has an exponent bias of 15")
    check(info["max"] == 65504.0, "the largest float16 is 65504")
    check(info["eps"] == 2.0**-10, "float16's epsilon is 2**-10 (10 mantissa bits)")


def test_e4m3_has_no_infinity(lab):
    """float8_e4m3fn reaches 448 because it spends no codes on infinity."""
    check(lab.format_info(4, 3, has_inf=False)["max"] == 448.0, "e4m3fn's largest value is 448")
    check(lab.format_info(4, 3, has_inf=True)["max"] == 240.0, "an IEEE-style e4m3 would stop at 240")


def test_fp8_round_trip_is_close(lab):
    """An e4m3 round trip with amax scaling keeps every value within ~6 % (half of e4m3's epsilon)."""
    torch.manual_seed(0)
    x = torch.randn(100) * 0.01
    values, scale = lab.fp8_roundtrip(x, "e4m3")
    check(values.dtype == torch.float32 and values.shape == x.shape, "the round trip gives float32 values of x's shape")
    assert_close(scale, 448.0 / x.abs().max().item(), rtol=1e-9, atol=0.0, what="the amax scale")
    rel = ((values - x).abs() / x.abs()).max().item()
    check(rel <= 0.0625 + 1e-6, f"the largest relative error of the round trip is {rel:.3g}, above 0.0625")


def test_fp8_saturates_by_default(lab):
    """A value far beyond the range becomes e4m3's largest code, 0x7E (448)."""
    codes, _ = lab.fp8_quantize(torch.tensor([1000.0, -1000.0]), "e4m3", 1.0)
    check(codes.dtype == torch.uint8, "the codes are uint8 bit patterns")
    check(codes.tolist() == [0x7E, 0xFE], "saturation should give the codes of +448 and -448")


def test_scaler_backs_off_and_grows(lab):
    """With growth_interval 2: an overflow halves the scale, two clean steps double it."""
    scaler = lab.DynamicLossScaler(init_scale=8.0, growth_interval=2)
    check(scaler.update(True) == 4.0, "an overflow should halve the scale")
    check(scaler.update(False) == 4.0, "one clean step is not enough to grow")
    check(scaler.update(False) == 8.0, "two clean steps in a row should double the scale")
    out, found = scaler.unscale([torch.tensor([16.0, 8.0])])
    check(found is False, "finite gradients: found_inf is False")
    assert_close(out[0], torch.tensor([2.0, 1.0]), atol=0.0, rtol=0.0, what="unscaled gradients")


def _state(seed=0):
    torch.manual_seed(seed)
    fc1, fc2 = nn.Linear(6, 10), nn.Linear(10, 3)
    return {"fc1.weight": fc1.weight.detach(), "fc1.bias": fc1.bias.detach(),
            "fc2.weight": fc2.weight.detach(), "fc2.bias": fc2.bias.detach()}


def test_bf16_step_keeps_float32_master_weights(lab):
    """A bf16 step gives bfloat16 logits in forward(), a finite float32 loss and float32 weights."""
    trainer = lab.MixedPrecisionTrainer(_state(), precision="bf16")
    x, y = torch.randn(8, 6), torch.randint(3, (8,))
    check(trainer.forward(x).dtype == torch.bfloat16, "forward() under bf16 autocast gives bfloat16 logits")
    row = trainer.train_step(x, y)
    check(math.isfinite(row["loss"]) and row["skipped"] is False, "a normal bf16 step is taken")
    check(all(v.dtype == torch.float32 for v in trainer.state_dict().values()), "master weights stay float32")


def test_fp16_skips_a_poisoned_step(lab):
    """An inf in the inputs gives non-finite fp16 gradients: the step is skipped and the scale halves."""
    trainer = lab.MixedPrecisionTrainer(_state(), precision="fp16", init_scale=1024.0)
    before = trainer.state_dict()
    x = torch.randn(4, 6)
    x[0, 0] = math.inf
    row = trainer.train_step(x, torch.randint(3, (4,)))
    check(row["skipped"] is True and row["scale"] == 512.0, "the step should be skipped and the scale halved")
    for k, v in trainer.state_dict().items():
        assert_close(v, before[k], atol=0.0, rtol=0.0, what=f"{k} after a skipped step")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_fp16_on_cuda(lab):
    """On a GPU, fp16 autocast gives float16 logits and CPU float32 weights back."""
    trainer = lab.MixedPrecisionTrainer(_state(), precision="fp16", device="cuda")
    x, y = torch.randn(8, 6), torch.randint(3, (8,))
    out = trainer.forward(x)
    check(out.dtype == torch.float16 and out.device.type == "cpu", "forward() on cuda returns float16 logits on the CPU")
    row = trainer.train_step(x, y)
    check(math.isfinite(row["loss"]), "the fp16 loss on the GPU is finite")
    check(all(v.dtype == torch.float32 and v.device.type == "cpu" for v in trainer.state_dict().values()),
          "state_dict() returns float32 CPU tensors")
