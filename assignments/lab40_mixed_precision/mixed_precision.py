"""Lab 40 (your file): mixed-precision training (fp16, bf16, fp8) and dynamic loss scaling.

Four pieces, each checked against torch:

* **number formats from their bit layout**: the bias, the largest finite
  value, the smallest normal and subnormal values and the machine epsilon of
  a binary floating-point format with ``e`` exponent bits and ``m`` mantissa
  bits (``torch.finfo`` for float16, bfloat16, float32, float8_e4m3fn and
  float8_e5m2);
* **fp8 quantise-dequantise** with a per-tensor scale (``fp8_max / amax``),
  saturation, and the raw fp8 codes (``torch``'s float8 casts);
* a **dynamic loss scaler** written from scratch that follows
  ``torch.amp.GradScaler`` step by step (scale, unscale, growth, backoff);
* a **mixed-precision trainer**: float32 master weights, the forward pass and
  the loss under ``torch.autocast`` (bfloat16 or float16), loss scaling and
  skipped steps for float16, identical in its numbers to the usual
  ``autocast`` + ``GradScaler`` loop.

Conventions used throughout
---------------------------
* Format names: ``"float16"``, ``"bfloat16"``, ``"float32"``,
  ``"float8_e4m3fn"``, ``"float8_e5m2"`` (see ``FORMATS``). fp8 formats in
  the quantisation functions: ``"e4m3"`` (``torch.float8_e4m3fn``) and
  ``"e5m2"`` (``torch.float8_e5m2``).
* A state dict maps ``TinyMLP``'s parameter names (``fc1.weight``,
  ``fc1.bias``, ``fc2.weight``, ``fc2.bias``) to float32 tensors.
* Functions never modify their input tensors.

What you may use: any torch tensor operation, the float8 dtypes and their
casts, ``torch.autocast``, ``nn.Linear``, ``F.cross_entropy``,
``torch.nn.utils.clip_grad_norm_``, ``torch.optim.SGD`` / ``AdamW``. You may
NOT use ``torch.finfo`` or ``torch.amp.GradScaler`` (nor
``torch._amp_update_scale_`` and friends) in this file: a static check looks
for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

# name -> (exponent bits, mantissa bits, has_inf)
FORMATS = {
    "float16": (5, 10, True),
    "bfloat16": (8, 7, True),
    "float32": (8, 23, True),
    "float8_e4m3fn": (4, 3, False),
    "float8_e5m2": (5, 2, True),
}
FP8_DTYPES = {"e4m3": torch.float8_e4m3fn, "e5m2": torch.float8_e5m2}
FP8_FORMATS = {"e4m3": "float8_e4m3fn", "e5m2": "float8_e5m2"}
# precision -> (autocast dtype or None, loss scaling on)
PRECISIONS = {"fp32": (None, False), "bf16": (torch.bfloat16, False), "fp16": (torch.float16, True)}
DEVICES = ("cpu", "cuda")
OPTIMIZERS = {"sgd": torch.optim.SGD, "adamw": torch.optim.AdamW}


# ---- number formats -------------------------------------------------------------------------------


def format_info(exponent_bits: int, mantissa_bits: int, has_inf: bool = True) -> dict:
    """The key numbers of a binary floating-point format, from its bit layout.

    A value has 1 sign bit, ``e = exponent_bits`` exponent bits and
    ``m = mantissa_bits`` stored mantissa (fraction) bits. The exponent is
    stored with a bias ``b = 2**(e - 1) - 1``. A stored exponent ``E`` of 1 up
    to the largest one used for numbers gives the normal value
    ``(1 + f / 2**m) * 2**(E - b)``; ``E = 0`` gives the subnormals
    ``(f / 2**m) * 2**(1 - b)`` (and zero).

    * ``has_inf=True`` (IEEE 754 style: float16, bfloat16, float32,
      float8_e5m2): the all-ones exponent ``E = 2**e - 1`` is reserved for
      inf and nan, so the largest finite value has ``E = 2**e - 2`` and an
      all-ones mantissa: ``(2 - 2**-m) * 2**(2**e - 2 - b)``.
    * ``has_inf=False`` (the "fn" formats, float8_e4m3fn: finite and nan
      only): there is no inf; only the all-ones exponent **with** the
      all-ones mantissa is nan, so the largest finite value has
      ``E = 2**e - 1`` and the mantissa one below all ones:
      ``(2 - 2**(1 - m)) * 2**(2**e - 1 - b)`` (448 for e4m3fn; treating it
      as an IEEE format would give 240).

    Returns:
        A dict with
        ``"bias"`` (int) ``b``;
        ``"max"`` (float) the largest finite value;
        ``"smallest_normal"`` (float) ``2**(1 - b)`` (``torch.finfo``'s
        ``tiny`` / ``smallest_normal``);
        ``"smallest_subnormal"`` (float) ``2**(1 - b - m)``;
        ``"eps"`` (float) the gap between 1 and the next larger value,
        ``2**-m`` (``torch.finfo``'s ``eps``).
        All are exact Python floats (powers of two and their sums).

    Raises:
        ValueError: if ``exponent_bits < 2`` or ``mantissa_bits < 1``.
    """
    raise NotImplementedError("TODO: format_info: bias, max (with and without inf), smallest normal and subnormal, eps from the bit layout")


def dtype_info(name: str) -> dict:
    """``format_info`` of a named format: the bit layout is looked up in ``FORMATS``.

    ``FORMATS`` (given) maps each name to ``(exponent_bits, mantissa_bits,
    has_inf)``: float16 (5, 10), bfloat16 (8, 7), float32 (8, 23),
    float8_e4m3fn (4, 3, no inf), float8_e5m2 (5, 2). The results equal
    ``torch.finfo`` of the matching torch dtype (``max``, ``tiny``, ``eps``;
    the smallest subnormal is the value of the bit pattern ``0...01``).

    Raises:
        ValueError: if ``name`` is not a key of ``FORMATS``.
    """
    raise NotImplementedError("TODO: dtype_info: look the layout up in FORMATS")


# ---- fp8 quantise / dequantise --------------------------------------------------------------------


def fp8_scale(amax: float, fmt: str = "e4m3", margin: int = 0) -> float:
    """The per-tensor scale that maps ``amax`` onto the top of an fp8 format.

    ``scale = fp8_max / amax / 2**margin`` (Python float arithmetic), with
    ``fp8_max`` 448 for ``"e4m3"`` and 57344 for ``"e5m2"``: multiplying a
    tensor whose largest magnitude is ``amax`` by ``scale`` brings that
    magnitude to ``fp8_max / 2**margin``. A ``margin`` of ``k`` leaves
    ``k`` powers of two of headroom for values that grow before the next
    scale update (as Transformer Engine's ``margin``). ``amax = 0`` and a
    non-finite ``amax`` (inf or nan) give ``1.0``: there is nothing to scale.

    Args:
        amax: the largest absolute value of the tensor (a float, or a 0-d
            tensor), ``>= 0``.
        fmt: ``"e4m3"`` or ``"e5m2"``.
        margin: an int ``>= 0``.

    Returns:
        The scale, a Python float.

    Raises:
        ValueError: if ``fmt`` is unknown, ``margin < 0`` or ``amax < 0``.
    """
    raise NotImplementedError("TODO: fp8_scale: fp8_max / amax / 2**margin, 1.0 for amax 0 or not finite")


def fp8_quantize(
    x: torch.Tensor,
    fmt: str = "e4m3",
    scale: float | None = None,
    *,
    margin: int = 0,
    saturate: bool = True,
) -> tuple[torch.Tensor, float]:
    """Scale a tensor and round it to fp8; return the raw fp8 codes and the scale.

    1. ``scale``: the given one, or, when ``None``,
       ``fp8_scale(amax, fmt, margin)`` with ``amax`` the largest absolute
       value of ``x.float()`` (``0`` for an empty ``x``; a nan in ``x``
       makes ``amax`` nan, hence scale 1).
    2. ``y = x.float() * scale`` (float32; ``x`` may be float16, bfloat16,
       float32 or float64, and is converted to float32 first, for ``amax``
       too). Scaling **multiplies**; dequantising divides.
    3. With ``saturate=True``: ``y`` is clamped to ``[-fp8_max, fp8_max]``
       first, so every finite or infinite value lands on a finite fp8 value
       (``±inf`` becomes ``±fp8_max``); nan stays nan.
    4. ``y`` is cast to ``torch.float8_e4m3fn`` / ``torch.float8_e5m2``:
       round to nearest, ties to even (the cast does this).
    5. With ``saturate=False`` (no clamp), overflow follows each format:
       e5m2 has inf, and the cast gives ``±inf`` for ``|y| >= 61440`` (the
       tie between 57344 and 65536 goes to the even 65536, which is inf);
       e4m3fn has no inf, so every ``|y| > 464`` (past the tie between 448
       and the missing 480) becomes nan, code ``0x7F``, or ``0xFF`` when
       ``y`` is negative. (torch's own cast to e4m3fn does not do this on
       every device: set these codes yourself.)

    ``margin`` only enters the scale computed from ``amax``; with a given
    ``scale`` it is ignored (but must still be ``>= 0``).

    Returns:
        ``(codes, scale)``: ``codes`` a ``torch.uint8`` tensor of ``x``'s
        shape, the bit patterns of the fp8 values (``q.view(torch.uint8)``);
        ``scale`` the scale used, a Python float.

    Raises:
        ValueError: if ``fmt`` is unknown, ``margin < 0``, or a given
            ``scale`` is not a finite number ``> 0``.
    """
    raise NotImplementedError("TODO: fp8_quantize: scale (multiply), clamp when saturating, cast to fp8, view as uint8")


def fp8_dequantize(codes: torch.Tensor, fmt: str, scale: float) -> torch.Tensor:
    """The float32 values of fp8 codes, divided by the scale: ``codes.view(fp8).float() / scale``.

    Args:
        codes: a ``torch.uint8`` tensor of fp8 bit patterns (as
            ``fp8_quantize`` returns).
        fmt: ``"e4m3"`` or ``"e5m2"``.
        scale: the scale the codes were made with (``> 0``).

    Returns:
        A float32 tensor of ``codes``' shape.

    Raises:
        ValueError: if ``codes`` is not ``torch.uint8`` or ``fmt`` is unknown.
    """
    raise NotImplementedError("TODO: fp8_dequantize: view the codes as fp8, to float32, divide by the scale")


def fp8_roundtrip(
    x: torch.Tensor, fmt: str = "e4m3", *, margin: int = 0, saturate: bool = True
) -> tuple[torch.Tensor, float]:
    """Quantise with per-tensor amax scaling and dequantise back: ``(values, scale)``.

    ``codes, scale = fp8_quantize(x, fmt, None, margin=margin,
    saturate=saturate)``; returns ``(fp8_dequantize(codes, fmt, scale),
    scale)``: float32 values of ``x``'s shape.
    """
    raise NotImplementedError("TODO: fp8_roundtrip: fp8_quantize with amax scaling, then fp8_dequantize")


# ---- dynamic loss scaling -------------------------------------------------------------------------


class DynamicLossScaler:
    """Dynamic loss scaling, step by step as ``torch.amp.GradScaler`` does it.

    float16 gradients underflow to 0 below about ``6e-8``; multiplying the
    loss by a large ``scale`` before ``backward()`` lifts them into range,
    and dividing the gradients by it (``unscale``) before the optimiser step
    undoes it. The scale adapts:

    * an **overflow** (some scaled gradient is inf or nan): the step is
      skipped by the trainer, ``scale *= backoff_factor`` and the growth
      tracker is reset to 0;
    * otherwise the tracker counts the step (``tracker + 1``); when it reaches
      ``growth_interval``, ``scale *= growth_factor`` and the tracker is
      reset to 0. So with ``growth_interval = k`` the scale grows after
      ``k`` consecutive finite steps, never sooner.

    The scale is a float32 number, as in torch: ``init_scale`` is rounded to
    float32, and each product (scale times a factor) is computed in float64
    and rounded to float32. If a grown scale would be inf in float32, the
    scale is kept as it was (the tracker is still reset to 0); a backed-off
    scale is always taken.

    A disabled scaler (``enabled=False``) does nothing: ``scale`` returns
    the loss itself, ``unscale`` returns the gradients unchanged and
    ``found_inf = False``, ``update`` changes nothing, ``get_scale`` is 1.0
    and ``state`` is ``{}``.

    Args:
        init_scale: the first scale, ``> 0`` (default ``2**16``).
        growth_factor: ``> 1``.
        backoff_factor: in ``(0, 1)``.
        growth_interval: an int ``>= 1``.
        enabled: whether scaling is on.

    Raises:
        ValueError: if an argument is out of its range.
    """

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        raise NotImplementedError("TODO: DynamicLossScaler.__init__: check the arguments, store the float32 scale and a growth tracker of 0")

    def get_scale(self) -> float:
        """The current scale as a Python float (1.0 when disabled)."""
        raise NotImplementedError("TODO: get_scale")

    def state(self) -> dict:
        """``{"scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"}``.

        The same keys and values as ``GradScaler.state_dict()`` (``scale`` a
        float, ``_growth_tracker`` an int); ``{}`` when disabled.
        """
        raise NotImplementedError("TODO: state: the same keys as GradScaler.state_dict()")

    def scale(self, loss: torch.Tensor) -> torch.Tensor:
        """``loss * scale`` (differentiable, in ``loss``'s dtype); ``loss`` itself when disabled."""
        raise NotImplementedError("TODO: scale: loss * scale")

    def unscale(self, grads: Sequence[torch.Tensor | None]) -> tuple[list[torch.Tensor | None], bool]:
        """Divide scaled gradients by the scale and look for infs and nans.

        Each gradient is multiplied by ``inv_scale``, the float32 reciprocal of
        the scale (``1 / scale`` in float64, rounded to float32), as
        ``GradScaler.unscale_`` does. ``found_inf`` says whether any entry of
        the gradients **as given** (scaled) is inf or nan. ``None`` entries
        are skipped and returned as ``None``.

        Returns:
            ``(unscaled, found_inf)``: a new list aligned with ``grads`` (new
            tensors of the same shapes and dtypes) and a bool.
        """
        raise NotImplementedError("TODO: unscale: multiply by the float32 inverse scale, look for inf and nan")

    def update(self, found_inf: bool) -> float:
        """Back off or grow the scale after a step (see the class docstring); returns the new scale.

        Disabled: changes nothing and returns 1.0.
        """
        raise NotImplementedError("TODO: update: back off on overflow, grow after growth_interval finite steps")


# ---- the mixed-precision trainer ------------------------------------------------------------------


class TinyMLP(nn.Module):
    """A two-layer perceptron: ``fc2(tanh(fc1(x)))``.

    Submodules, in this order: ``fc1 = nn.Linear(d_in, d_hidden)``,
    ``act = nn.Tanh()``, ``fc2 = nn.Linear(d_hidden, d_out)``. It is given
    complete: nothing to write here.
    """

    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class MixedPrecisionTrainer:
    """Trains a ``TinyMLP`` classifier in fp32, bf16 or fp16 mixed precision.

    Construction:

    1. ``model = TinyMLP(d_in, d_hidden, d_out)`` with the sizes read from
       ``state_dict`` (``fc1.weight`` is ``(d_hidden, d_in)``, ``fc2.weight``
       ``(d_out, d_hidden)``), moved to ``device``, then
       ``load_state_dict(state_dict)``. The parameters are and stay
       **float32** in every precision: they are the master weights; autocast
       makes low-precision copies for the matmuls on the fly.
    2. ``optimizer``: ``"sgd"`` is ``torch.optim.SGD(model.parameters(),
       lr=lr)``; ``"adamw"`` is ``torch.optim.AdamW(model.parameters(),
       lr=lr)`` (torch's other defaults).
    3. ``scaler = DynamicLossScaler(init_scale, growth_factor,
       backoff_factor, growth_interval, enabled=(precision == "fp16"))``:
       loss scaling is for float16 only (bfloat16 has float32's exponent
       range and needs none).
    4. ``step = 0``, ``skipped_steps = 0``.

    Precisions: ``"fp32"`` (no autocast), ``"bf16"``
    (``torch.autocast(device, dtype=torch.bfloat16)``), ``"fp16"``
    (``torch.autocast(device, dtype=torch.float16)`` and loss scaling).
    Devices: ``"cpu"``, or ``"cuda"`` (where CUDA is present; inputs are
    moved to the device and every returned tensor is on the CPU).

    Attributes:
        model, optimizer, scaler: as above.
        step: the optimiser steps taken (skipped ones not counted).
        skipped_steps: the steps skipped because of an overflow, counted
            across all calls.

    Args:
        state_dict: the initial float32 weights, ``TinyMLP``'s keys.
        precision: ``"fp32"``, ``"bf16"`` or ``"fp16"``.
        device: ``"cpu"`` or ``"cuda"``.
        optimizer: ``"sgd"`` or ``"adamw"``.
        lr: the learning rate.
        max_grad_norm: clip the **unscaled** gradients' global 2-norm to this
            value (``torch.nn.utils.clip_grad_norm_``) before each step;
            ``None``: no clipping.
        init_scale, growth_factor, backoff_factor, growth_interval: the loss
            scaler's settings (used for fp16 only).

    Raises:
        ValueError: if ``precision``, ``device`` or ``optimizer`` is not one of
            the names, ``max_grad_norm`` is neither ``None`` nor ``>= 0``, or a
            scaler setting is out of range (even when the scaler is disabled).
    """

    def __init__(
        self,
        state_dict: dict[str, torch.Tensor],
        *,
        precision: str = "bf16",
        device: str = "cpu",
        optimizer: str = "sgd",
        lr: float = 0.1,
        max_grad_norm: float | None = None,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
    ) -> None:
        raise NotImplementedError("TODO: MixedPrecisionTrainer.__init__: float32 model, optimiser, loss scaler (fp16 only), counters")

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """The model's outputs for ``(B, d_in)`` float32 inputs, under the trainer's autocast, without gradients.

        Returns:
            ``(B, d_out)`` logits: bfloat16 for ``"bf16"``, float16 for
            ``"fp16"`` (autocast runs the linear layers in low precision),
            float32 for ``"fp32"``; on the CPU.
        """
        raise NotImplementedError("TODO: forward: the model under autocast, without gradients")

    def train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
        """One mixed-precision step, the ``autocast`` + ``GradScaler`` recipe.

        1. ``model.train()``; ``optimizer.zero_grad(set_to_none=True)``.
        2. Inside the trainer's autocast: ``loss =
           F.cross_entropy(model(inputs), targets)`` (autocast computes
           cross-entropy in float32, so ``loss`` is float32).
        3. ``scaler.scale(loss).backward()`` (outside the autocast block).
        4. ``grads, found_inf = scaler.unscale(...)`` of every parameter's
           gradient, written back into ``.grad`` (unscaling comes **before**
           clipping: a norm of scaled gradients is ``scale`` times too big).
        5. If ``max_grad_norm`` is not None: ``clip_grad_norm_`` of the
           parameters to it.
        6. With loss scaling on (fp16) and ``found_inf``: the step is
           **skipped** (no ``optimizer.step()``; weights and optimiser state
           untouched) and ``skipped_steps += 1``. Otherwise
           ``optimizer.step()`` and ``step += 1``. (With scaling off, as
           ``GradScaler(enabled=False)``, the step is always taken.)
        7. ``scaler.update(found_inf)``.

        Args:
            inputs: ``(B, d_in)`` float32; targets: ``(B,)`` int64 class ids.

        Returns:
            ``{"loss": the unscaled float32 loss of step 2 (Python float),
            "scale": the scaler's scale after step 7 (float; 1.0 unless
            fp16), "skipped": whether the step was skipped (bool)}``.
        """
        raise NotImplementedError("TODO: train_step: autocast forward and loss, scaled backward, unscale, clip, step or skip, update")

    def state_dict(self) -> dict[str, torch.Tensor]:
        """A CPU copy of the model's current weights (float32), keyed as ``TinyMLP``'s ``state_dict``."""
        raise NotImplementedError("TODO: state_dict: CPU copies of the weights")


def train(
    state_dict: dict[str, torch.Tensor],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    precision: str = "bf16",
    optimizer: str = "sgd",
    lr: float = 0.1,
) -> dict:
    """Several training steps with one ``MixedPrecisionTrainer`` (CPU, default scaler settings).

    ``trainer = MixedPrecisionTrainer(state_dict, precision=precision,
    optimizer=optimizer, lr=lr)``, then ``trainer.train_step(inputs[s],
    targets[s])`` for ``s = 0 .. S - 1``.

    Args:
        inputs: ``(S, B, d_in)`` float32, one batch per step.
        targets: ``(S, B)`` int64.

    Returns:
        ``{"losses": [S floats], "scales": [S floats], "skipped": [S bools],
        "state_dict": trainer.state_dict()}`` (the per-step results of
        ``train_step``, in order, and the final weights).
    """
    raise NotImplementedError("TODO: train: one trainer, one train_step per batch")
