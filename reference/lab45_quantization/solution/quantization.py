"""Lab 45: quantization.

Affine integer quantization with the conventions of ``torch.ao.quantization``:

    q = clamp(round(x * (1 / scale)) + zero_point, qmin, qmax)        x_hat = (q - zero_point) * scale

``round`` rounds halves to the even integer (``torch.round``), so 2.5 -> 2,
3.5 -> 4 and -2.5 -> -2. As in torch's kernels, ``x`` is multiplied by the
reciprocal ``1 / scale`` (computed in float32), not divided by ``scale``:
the two can differ in the last bit, which decides the code of a value that
lands on a half (the extreme values of a symmetric range always do).
The integer formats are named by strings:

=========  ============  ===================
dtype      range         codes stored as
=========  ============  ===================
"int8"     [-128, 127]   torch.int8
"uint8"    [0, 255]      torch.uint8
"int4"     [-8, 7]       torch.int8
"uint4"    [0, 15]       torch.uint8
=========  ============  ===================

Quantization parameters (scale, zero point) come from a range [min, max] as
torch's ``MinMaxObserver`` computes them; int4 weights are quantized in groups
and packed two codes per byte; ``QuantizedLinear`` keeps an int8 weight;
``fake_quantize`` and ``QATLinear`` simulate quantization in training with a
straight-through estimator.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

QRANGES: dict[str, tuple[int, int]] = {"int8": (-128, 127), "uint8": (0, 255), "int4": (-8, 7), "uint4": (0, 15)}
_STORAGE = {"int8": torch.int8, "uint8": torch.uint8, "int4": torch.int8, "uint4": torch.uint8}
_SYMMETRIC_ZERO_POINT = {"int8": 0, "uint8": 128, "int4": 0, "uint4": 8}
EPS = 2.0**-23   # torch.finfo(torch.float32).eps, the smallest scale an observer returns


def qrange(dtype: str) -> tuple[int, int]:
    """The code range ``(qmin, qmax)`` of an integer format.

    Args:
        dtype: ``"int8"``, ``"uint8"``, ``"int4"`` or ``"uint4"``.

    Returns:
        ``(-128, 127)``, ``(0, 255)``, ``(-8, 7)`` or ``(0, 15)``, as Python ints.

    Raises:
        ValueError: any other ``dtype``.
    """
    if dtype not in QRANGES:
        raise ValueError(f"unknown dtype {dtype!r}; expected one of {sorted(QRANGES)}")
    return QRANGES[dtype]


def qparams_from_minmax(
    min_val: Tensor, max_val: Tensor, dtype: str = "int8", symmetric: bool = False
) -> tuple[Tensor, Tensor]:
    """Scale and zero point of the range [``min_val``, ``max_val``], as torch's observers compute them.

    The range is first widened to contain 0: ``lo = min(min_val, 0)``,
    ``hi = max(max_val, 0)``. With ``(qmin, qmax) = qrange(dtype)``:

    * asymmetric (affine): ``scale = (hi - lo) / (qmax - qmin)``, then
      ``scale = max(scale, EPS)``; ``zero_point = qmin - round(lo / scale)``
      (``round`` halves to even, never truncation), clamped to [qmin, qmax];
    * symmetric: ``scale = max(-lo, hi) / ((qmax - qmin) / 2)`` (e.g.
      ``amax / 127.5`` for int8), then ``scale = max(scale, EPS)``;
      ``zero_point`` is 0 for the signed formats and ``2 ** (bits - 1)``
      (128 for uint8, 8 for uint4) for the unsigned ones.

    The arithmetic is float32 (the observers'), so for int8 and uint8 the
    result equals ``MinMaxObserver(dtype=torch.qint8 / torch.quint8,
    qscheme=torch.per_tensor_affine / per_tensor_symmetric)``'s
    ``calculate_qparams()`` after it has seen ``min_val`` and ``max_val``.
    ``EPS`` is ``2 ** -23`` (float32's machine epsilon): an all-zero range
    gets scale ``EPS`` and the zero point above.

    Args:
        min_val, max_val: float tensors of one shape: 0-d (per tensor) or 1-D
            (one range per channel); ``min_val <= max_val`` element-wise.
        dtype: the integer format (see ``qrange``).
        symmetric: the symmetric scheme instead of the affine one.

    Returns:
        ``(scale, zero_point)``: ``scale`` float32 and ``zero_point`` int64,
        both of ``min_val``'s shape.

    Raises:
        ValueError: an unknown ``dtype``, shapes that differ, or
            ``min_val > max_val`` somewhere.
    """
    qmin, qmax = qrange(dtype)
    min_val, max_val = torch.as_tensor(min_val), torch.as_tensor(max_val)
    if min_val.shape != max_val.shape:
        raise ValueError(f"min_val shape {tuple(min_val.shape)} differs from max_val shape {tuple(max_val.shape)}")
    if bool((min_val > max_val).any()):
        raise ValueError("min_val must not exceed max_val")
    lo = torch.clamp(min_val.float(), max=0.0)
    hi = torch.clamp(max_val.float(), min=0.0)
    if symmetric:
        scale = torch.maximum(-lo, hi) / ((qmax - qmin) / 2)
        scale = torch.clamp(scale, min=EPS)
        zero_point = torch.full(lo.shape, _SYMMETRIC_ZERO_POINT[dtype], dtype=torch.int64)
    else:
        scale = torch.clamp((hi - lo) / float(qmax - qmin), min=EPS)
        zero_point = torch.clamp(qmin - torch.round(lo / scale).long(), qmin, qmax)
    return scale, zero_point


def minmax_qparams(
    x: Tensor, dtype: str = "int8", symmetric: bool = False, axis: int | None = None
) -> tuple[Tensor, Tensor]:
    """Min-max qparams of one tensor, per tensor or per channel.

    ``axis=None``: the range is ``x.min()``, ``x.max()`` (as
    ``MinMaxObserver``); otherwise one range per index along ``axis``, over
    all other dimensions (as ``PerChannelMinMaxObserver(ch_axis=axis)``,
    with ``torch.per_channel_affine`` / ``per_channel_symmetric``). The
    qparams then follow ``qparams_from_minmax``.

    Args:
        x: a non-empty float tensor (float32, float64 or bfloat16).
        dtype, symmetric: as ``qparams_from_minmax``.
        axis: None, or the channel dimension (negative counts from the end).

    Returns:
        ``(scale, zero_point)``: 0-d tensors for ``axis=None``, else of shape
        ``(x.shape[axis],)``; float32 and int64.

    Raises:
        ValueError: an empty ``x`` or an unknown ``dtype``; IndexError:
            ``axis`` out of range.
    """
    if not x.numel():
        raise ValueError("x is empty")
    x = x.detach().float()
    if axis is None:
        return qparams_from_minmax(x.min(), x.max(), dtype, symmetric)
    rows = x.movedim(axis, 0).reshape(x.shape[axis], -1)   # an axis out of range raises IndexError
    lo, hi = torch.aminmax(rows, dim=1)
    return qparams_from_minmax(lo, hi, dtype, symmetric)


def calibrate(
    batches: Sequence[Tensor],
    method: str = "minmax",
    percentile: float = 99.99,
    dtype: str = "uint8",
    symmetric: bool = False,
) -> tuple[Tensor, Tensor]:
    """Per-tensor qparams of an activation from several calibration batches.

    * ``"minmax"``: the range is the smallest and largest value over all
      batches, i.e. ``MinMaxObserver`` after a forward on each batch in turn;
    * ``"percentile"``: the range is ``lo = P(100 - percentile)`` and
      ``hi = P(percentile)`` of all values of all batches together, ``P``
      the linear-interpolation percentile of ``numpy.percentile`` (and
      ``torch.quantile``), computed in float64 and then rounded to float32.
      Outliers beyond the percentiles are clipped instead of stretching
      the scale. ``percentile=100`` gives the min-max range.

    The qparams then follow ``qparams_from_minmax(lo, hi, dtype, symmetric)``.

    Args:
        batches: a non-empty list of non-empty float tensors (any shapes).
        method: ``"minmax"`` or ``"percentile"``.
        percentile: in (50, 100]; used by ``"percentile"`` only.
        dtype, symmetric: as ``qparams_from_minmax``.

    Returns:
        ``(scale, zero_point)``: 0-d float32 and int64 tensors.

    Raises:
        ValueError: an empty list, an empty batch, an unknown ``method`` or
            ``dtype``, or ``percentile`` outside (50, 100] with ``"percentile"``.
    """
    if not batches or not all(b.numel() for b in batches):
        raise ValueError("batches must be a non-empty list of non-empty tensors")
    qrange(dtype)
    if method not in _CALIBRATION_RANGES:
        raise ValueError(f"unknown method {method!r}; expected one of {sorted(_CALIBRATION_RANGES)}")
    lo, hi = _CALIBRATION_RANGES[method]([b.detach() for b in batches], percentile)
    return qparams_from_minmax(lo, hi, dtype, symmetric)


def _minmax_range(batches: list[Tensor], percentile: float) -> tuple[Tensor, Tensor]:
    """The running min and max over all batches (``percentile`` is ignored)."""
    lo = torch.stack([b.float().min() for b in batches]).min()
    hi = torch.stack([b.float().max() for b in batches]).max()
    return lo, hi


def _percentile_range(batches: list[Tensor], percentile: float) -> tuple[Tensor, Tensor]:
    """P(100 - percentile) and P(percentile) of all values, in float64, rounded to float32."""
    if not 50.0 < percentile <= 100.0:
        raise ValueError(f"percentile must lie in (50, 100], got {percentile}")
    values = torch.cat([b.reshape(-1).double() for b in batches])
    q = torch.tensor([1.0 - percentile / 100.0, percentile / 100.0], dtype=torch.float64)
    lo, hi = _quantile(values, q).float()
    return lo, hi


_CALIBRATION_RANGES = {"minmax": _minmax_range, "percentile": _percentile_range}


def _quantile(values: Tensor, q: Tensor) -> Tensor:
    """Linear-interpolation quantiles of a 1-D float64 tensor (torch.quantile without its size limit)."""
    ordered = values.sort().values
    pos = q * (ordered.numel() - 1)
    below = pos.floor().long()
    above = pos.ceil().long()
    return ordered[below] + (ordered[above] - ordered[below]) * (pos - below)


def _broadcast(param: Tensor | float | int, x: Tensor, axis: int | None, dtype: torch.dtype) -> Tensor:
    """A scale or zero point shaped to broadcast against ``x`` along ``axis``."""
    p = torch.as_tensor(param, dtype=dtype)
    if axis is None:
        if p.numel() != 1:
            raise ValueError("per-tensor quantization takes one scale and one zero point")
        return p.reshape(())
    channels = x.shape[axis]               # an axis out of range raises IndexError
    if p.shape != (channels,):
        raise ValueError(f"per-channel qparams must have shape ({channels},), got {tuple(p.shape)}")
    shape = [1] * x.dim()
    shape[axis] = -1
    return p.reshape(shape)


def _qparams(x: Tensor, scale: Tensor | float, zero_point: Tensor | int, axis: int | None) -> tuple[Tensor, Tensor]:
    """Scale (float32) and zero point (int64) shaped to broadcast against ``x``; the scale must be positive."""
    s = _broadcast(scale, x, axis, torch.float32)
    if not bool((s > 0).all()):
        raise ValueError("scale must be positive")
    return s, _broadcast(zero_point, x, axis, torch.int64)


def _codes(x: Tensor, scale: Tensor, zero_point: Tensor) -> Tensor:
    """Unclamped integer-valued codes round(x * (1 / scale)) + zero_point, in float32 (torch's arithmetic)."""
    return torch.round(x.float() * (1.0 / scale.float())) + zero_point


def quantize(
    x: Tensor,
    scale: Tensor | float,
    zero_point: Tensor | int,
    dtype: str = "int8",
    axis: int | None = None,
) -> Tensor:
    """Integer codes ``clamp(round(x * (1 / scale)) + zero_point, qmin, qmax)``.

    The arithmetic is float32: ``x`` is converted to float32 and multiplied
    by the float32 reciprocal ``1 / scale`` (see the module docstring).
    ``round`` halves to even (a scaled value of 2.5 gives 2, -0.5 gives 0),
    and the zero point is added after rounding; values beyond the range
    saturate at ``qmin`` / ``qmax``. The codes equal those of torch's
    ``fake_quantize_per_tensor_affine`` / ``fake_quantize_per_channel_affine``
    (``torch.quantize_per_tensor`` agrees except where ``x * (1 / scale) +
    zero_point`` lands on a half: it rounds after adding the zero point).

    Args:
        x: a float tensor of any shape.
        scale: a positive Python float or 0-d tensor (``axis=None``), or a
            1-D tensor of length ``x.shape[axis]`` (one per channel).
        zero_point: an int or 0-d integer tensor, or a 1-D integer tensor,
            matching ``scale``.
        dtype: the integer format (see ``qrange``).
        axis: None (per tensor) or the channel dimension of ``x``.

    Returns:
        The codes, of ``x``'s shape, ``torch.int8`` for int8 / int4 and
        ``torch.uint8`` for uint8 / uint4.

    Raises:
        ValueError: an unknown ``dtype``, a scale that is not positive, or
            qparams whose shape does not match ``axis``; IndexError: ``axis``
            out of range.
    """
    qmin, qmax = qrange(dtype)
    s, z = _qparams(x, scale, zero_point, axis)
    return torch.clamp(_codes(x, s, z), qmin, qmax).to(_STORAGE[dtype])


def dequantize(
    q: Tensor, scale: Tensor | float, zero_point: Tensor | int, axis: int | None = None
) -> Tensor:
    """Real values ``(q - zero_point) * scale`` of integer codes, in float32.

    Args:
        q: an integer tensor of codes (any integer dtype).
        scale, zero_point, axis: as ``quantize``.

    Returns:
        A float32 tensor of ``q``'s shape.

    Raises:
        ValueError: qparams whose shape does not match ``axis``; IndexError:
            ``axis`` out of range.
    """
    s = _broadcast(scale, q, axis, torch.float32)
    z = _broadcast(zero_point, q, axis, torch.int64)
    return (q.long() - z).float() * s


class _FakeQuantize(torch.autograd.Function):
    """Quantize-dequantize forward; straight-through gradient inside the code range."""

    @staticmethod
    def forward(ctx, x: Tensor, scale: Tensor, zero_point: Tensor, qmin: int, qmax: int) -> Tensor:
        codes = _codes(x, scale, zero_point)
        inside = (codes >= qmin) & (codes <= qmax)
        ctx.save_for_backward(inside)
        return ((torch.clamp(codes, qmin, qmax) - zero_point) * scale).to(x.dtype)

    @staticmethod
    def backward(ctx, grad: Tensor):
        (inside,) = ctx.saved_tensors
        return grad * inside, None, None, None, None


def fake_quantize(
    x: Tensor,
    scale: Tensor | float,
    zero_point: Tensor | int,
    dtype: str = "int8",
    axis: int | None = None,
) -> Tensor:
    """Quantize then dequantize, differentiably: the building block of QAT.

    Forward: ``(q - zero_point) * scale`` with ``q`` the codes of
    ``quantize`` (same arithmetic), in ``x``'s dtype, equal to
    ``torch.fake_quantize_per_tensor_affine`` /
    ``fake_quantize_per_channel_affine``. Backward (straight-through
    estimator): the gradient passes unchanged where the unclamped code
    ``round(x * (1 / scale)) + zero_point`` lies in [qmin, qmax] and is zero
    where it was clamped, exactly as torch's fake-quantize gradients (so
    ``x`` a little beyond ``(qmax - zero_point) * scale`` that still rounds
    to ``qmax`` keeps its gradient). ``scale``
    and ``zero_point`` get no gradient.

    Args:
        x: a float32 tensor of any shape (may require grad).
        scale, zero_point, dtype, axis: as ``quantize``.

    Returns:
        A float tensor of ``x``'s shape and dtype, connected to ``x``'s graph.

    Raises:
        as ``quantize``.
    """
    qmin, qmax = qrange(dtype)
    s, z = _qparams(x, scale, zero_point, axis)
    return _FakeQuantize.apply(x, s.detach(), z, qmin, qmax)


def pack_int4(codes: Tensor) -> Tensor:
    """Pack 4-bit codes two per byte along the last dimension, low nibble first.

    Byte ``j`` of a row holds code ``2j`` in its low 4 bits and code
    ``2j + 1`` in its high 4 bits: ``byte = (c[2j] & 0xF) | ((c[2j+1] & 0xF) << 4)``.
    Signed codes (-8..7) are stored as their 4-bit two's complement
    (-1 -> 0xF, -8 -> 0x8), so ``[1, 2]`` packs to ``0x21`` and ``[-1, 0]``
    to ``0x0F``.

    Args:
        codes: an integer tensor (any integer dtype) with at least one
            dimension, an even last dimension and every value in [-8, 15]
            (int4 or uint4 codes).

    Returns:
        A ``torch.uint8`` tensor of shape ``(..., n // 2)``.

    Raises:
        ValueError: an odd last dimension, a 0-d or floating-point tensor,
            or a value outside [-8, 15].
    """
    if not codes.dim() or codes.is_floating_point():
        raise ValueError("codes must be an integer tensor with at least one dimension")
    if codes.shape[-1] % 2:
        raise ValueError("the last dimension must be even to pack two codes per byte")
    c = codes.long()
    if c.numel() and (int(c.min()) < -8 or int(c.max()) > 15):
        raise ValueError("4-bit codes must lie in [-8, 15]")
    c = c & 0xF
    return (c[..., 0::2] | (c[..., 1::2] << 4)).to(torch.uint8)


def unpack_int4(packed: Tensor, signed: bool = False) -> Tensor:
    """Inverse of ``pack_int4``: two codes per byte, low nibble first.

    Args:
        packed: a ``torch.uint8`` tensor of shape ``(..., m)``.
        signed: False: codes 0..15 as ``torch.uint8``; True: the nibbles are
            read as two's complement, codes -8..7 as ``torch.int8``
            (0xF -> -1, 0x8 -> -8).

    Returns:
        The codes, of shape ``(..., 2 * m)``.

    Raises:
        ValueError: ``packed`` is not ``torch.uint8`` or is 0-d.
    """
    if packed.dtype != torch.uint8 or not packed.dim():
        raise ValueError("packed must be a torch.uint8 tensor with at least one dimension")
    p = packed.long()
    codes = torch.stack([p & 0xF, p >> 4], dim=-1).reshape(*packed.shape[:-1], -1)
    if signed:
        return (codes - ((codes & 0x8) << 1)).to(torch.int8)
    return codes.to(torch.uint8)


def _check_group_size(group_size: int, n_in: int) -> None:
    """Raise ValueError unless group_size is a positive even divisor of n_in."""
    if group_size <= 0 or group_size % 2 or n_in % group_size:
        raise ValueError(f"group_size must be a positive even divisor of {n_in}, got {group_size}")


def quantize_int4_groupwise(
    weight: Tensor, group_size: int = 128, symmetric: bool = False
) -> tuple[Tensor, Tensor, Tensor]:
    """Group-wise 4-bit quantization of a 2-D weight, packed two codes per byte.

    Each row of ``weight`` (shape ``(out, in)``) is cut into groups of
    ``group_size`` consecutive entries (columns ``g * group_size`` to
    ``(g + 1) * group_size - 1``); every group gets its own min-max qparams
    (``qparams_from_minmax`` of the group's min and max) in ``"uint4"``
    (asymmetric, codes 0..15) or, with ``symmetric=True``, ``"int4"``
    (codes -8..7, zero point 0). The codes are ``quantize``'s and are packed
    row by row with ``pack_int4`` (low nibble first). Every entry is then
    within half its group's scale of its dequantized value.

    Args:
        weight: a float tensor of shape ``(out, in)``.
        group_size: a positive even divisor of ``in``.
        symmetric: the scheme (see above).

    Returns:
        ``(packed, scale, zero_point)``: ``torch.uint8`` of shape
        ``(out, in // 2)``, float32 and int64 of shape ``(out, in // group_size)``.

    Raises:
        ValueError: ``weight`` is not 2-D, or ``group_size`` is not a positive
            even divisor of ``in``.
    """
    if weight.dim() != 2:
        raise ValueError("weight must be 2-D (out, in)")
    out, n_in = weight.shape
    _check_group_size(group_size, n_in)
    dtype = "int4" if symmetric else "uint4"
    groups = weight.detach().float().reshape(out, n_in // group_size, group_size)
    lo, hi = torch.aminmax(groups, dim=-1)
    scale, zero_point = qparams_from_minmax(lo.reshape(-1), hi.reshape(-1), dtype, symmetric)
    scale, zero_point = scale.reshape(lo.shape), zero_point.reshape(lo.shape)
    qmin, qmax = qrange(dtype)
    codes = torch.clamp(_codes(groups, scale[..., None], zero_point[..., None]), qmin, qmax)
    return pack_int4(codes.long().reshape(out, n_in)), scale, zero_point


def dequantize_int4_groupwise(
    packed: Tensor, scale: Tensor, zero_point: Tensor, group_size: int = 128, symmetric: bool = False
) -> Tensor:
    """Float32 weight of shape ``(out, in)`` from ``quantize_int4_groupwise``'s output.

    Unpacks with ``unpack_int4(packed, signed=symmetric)`` and computes
    ``(q - zero_point) * scale`` with each group's qparams.

    Raises:
        ValueError: ``packed`` is not a 2-D ``torch.uint8`` tensor,
            ``group_size`` is not a positive even divisor of ``in = 2 *
            packed.shape[1]``, or ``scale`` / ``zero_point`` are not both of
            shape ``(out, in // group_size)``.
    """
    if packed.dtype != torch.uint8 or packed.dim() != 2:
        raise ValueError("packed must be a 2-D torch.uint8 tensor")
    out, n_in = packed.shape[0], 2 * packed.shape[1]
    _check_group_size(group_size, n_in)
    if tuple(scale.shape) != (out, n_in // group_size) or tuple(zero_point.shape) != tuple(scale.shape):
        raise ValueError("scale and zero_point must have shape (out, in // group_size)")
    codes = unpack_int4(packed, signed=symmetric).long().reshape(out, -1, group_size)
    return ((codes - zero_point[..., None].long()).float() * scale[..., None].float()).reshape(out, n_in)


def int8_linear(
    x: Tensor, weight_q: Tensor, scale: Tensor, zero_point: Tensor, bias: Tensor | None = None
) -> Tensor:
    """``y = x @ W.T + bias`` with the int8 weight ``W = (weight_q - zero_point) * scale``.

    Weight-only quantization: the activations stay in floating point. The
    qparams are per output channel (shape ``(out,)``, scale and zero point
    of row ``o``) or per tensor (0-d). The result must equal
    ``F.linear(x, dequantize(weight_q, ...), bias)`` to float32 rounding;
    how you get there (dequantize first, or ``x @ weight_q.T`` then subtract
    the zero points' share and scale) is yours to choose, but it should be
    about as fast as one float32 matmul of these shapes.

    Args:
        x: float32 of shape ``(..., in)``.
        weight_q: ``torch.int8`` of shape ``(out, in)``.
        scale: float32, shape ``(out,)`` or 0-d, positive.
        zero_point: integer tensor of ``scale``'s shape, values in [-128, 127].
        bias: float32 of shape ``(out,)``, or None.

    Returns:
        float32 of shape ``(..., out)``.

    Raises:
        ValueError: ``weight_q`` not a 2-D ``torch.int8`` tensor, or qparams
            of another shape than ``(out,)`` or ``()``.
    """
    if weight_q.dtype != torch.int8 or weight_q.dim() != 2:
        raise ValueError("weight_q must be a 2-D torch.int8 tensor")
    if scale.shape not in ((), (weight_q.shape[0],)) or zero_point.shape != scale.shape:
        raise ValueError("scale and zero_point must be 0-d or of shape (out,)")
    s = scale.float().reshape(-1, 1)
    w = (weight_q.float() - zero_point.float().reshape(-1, 1)) * s
    return torch.nn.functional.linear(x, w, bias)


class QuantizedLinear(nn.Module):
    """An ``nn.Linear`` whose weight is stored as int8 codes (weight-only quantization).

    Built from a float weight of shape ``(out, in)`` and an optional bias:
    the weight's qparams are ``minmax_qparams(weight, "int8", symmetric,
    axis=0 if per_channel else None)`` and its codes ``quantize``'s. The
    forward pass is ``int8_linear`` with those codes and qparams and the
    float32 bias.

    Attributes:
        weight_q: ``torch.int8`` codes of shape ``(out, in)``.
        scale: float32, shape ``(out,)`` (per channel) or 0-d (per tensor).
        zero_point: int64 of ``scale``'s shape (all 0 when symmetric).
        bias: float32 of shape ``(out,)`` or None.
    """

    def __init__(self, weight: Tensor, bias: Tensor | None = None, symmetric: bool = True, per_channel: bool = True) -> None:
        """Quantize ``weight`` (float, 2-D) once; keep a float32 copy of ``bias``.

        Raises:
            ValueError: ``weight`` not 2-D, or ``bias`` not of shape ``(out,)``.
        """
        super().__init__()
        if weight.dim() != 2:
            raise ValueError("weight must be 2-D (out, in)")
        if bias is not None and tuple(bias.shape) != (weight.shape[0],):
            raise ValueError("bias must have shape (out,)")
        axis = 0 if per_channel else None
        scale, zero_point = minmax_qparams(weight, "int8", symmetric, axis)
        self.register_buffer("weight_q", quantize(weight.detach(), scale, zero_point, "int8", axis))
        self.register_buffer("scale", scale)
        self.register_buffer("zero_point", zero_point)
        self.register_buffer("bias", None if bias is None else bias.detach().float().clone())

    def forward(self, x: Tensor) -> Tensor:
        """``int8_linear(x, weight_q, scale, zero_point, bias)``: float32 of shape ``(..., out)``."""
        return int8_linear(x, self.weight_q, self.scale, self.zero_point, self.bias)

    def error_bound(self, x: Tensor) -> Tensor:
        """The worst-case error the weight's rounding can cause, per output.

        Every weight entry of row ``o`` is within ``scale_o / 2`` of the float
        weight it came from (min-max qparams never clip by more than that), so
        ``|forward(x) - F.linear(x, weight, bias)|`` is at most
        ``scale_o / 2 * sum_k |x_k|`` (up to float32 rounding). Per tensor,
        ``scale_o`` is the one scale.

        Args:
            x: float32 of shape ``(..., in)``.

        Returns:
            float32 of shape ``(..., out)``.
        """
        return x.abs().sum(dim=-1, keepdim=True) * (self.scale / 2).expand(self.weight_q.shape[0])


class QATLinear(nn.Module):
    """A Linear trained with fake quantization (quantization-aware training).

    The float32 ``weight`` (shape ``(out, in)``) and ``bias`` (``(out,)`` or
    None) are ``nn.Parameter`` s, trained as usual. ``forward(x)``:

    1. if ``quantize_input``: in training mode, the running input range is
       updated with ``x`` (the smallest and largest value of every input
       seen in training mode so far, as ``MinMaxObserver``); in eval mode
       it is left as it is. ``x`` is then fake-quantized per tensor with
       ``qparams_from_minmax(running_min, running_max, "uint8")``;
    2. the weight is fake-quantized per output channel, symmetric int8,
       with ``minmax_qparams(weight, "int8", symmetric=True, axis=0)`` of
       the current weight (recomputed each call, no gradient through them);
    3. ``y = F.linear(x_fq, w_fq, bias)``.

    Gradients reach ``weight`` and ``x`` through ``fake_quantize``'s
    straight-through estimator, as ``torch.ao.quantization.FakeQuantize``
    does; the bias gets its ordinary gradient.
    """

    def __init__(self, weight: Tensor, bias: Tensor | None = None, quantize_input: bool = True) -> None:
        """Copy ``weight`` and ``bias`` into float32 parameters; no input seen yet.

        Raises:
            ValueError: ``weight`` not 2-D, or ``bias`` not of shape ``(out,)``.
        """
        super().__init__()
        if weight.dim() != 2:
            raise ValueError("weight must be 2-D (out, in)")
        if bias is not None and tuple(bias.shape) != (weight.shape[0],):
            raise ValueError("bias must have shape (out,)")
        self.weight = nn.Parameter(weight.detach().float().clone())
        self.bias = None if bias is None else nn.Parameter(bias.detach().float().clone())
        self.quantize_input = quantize_input
        self.register_buffer("input_min", torch.tensor(float("inf")))
        self.register_buffer("input_max", torch.tensor(float("-inf")))

    def forward(self, x: Tensor) -> Tensor:
        """The fake-quantized linear map above: float32 of shape ``(..., out)``.

        Raises:
            RuntimeError: ``quantize_input`` and an eval-mode call before any
                training-mode call (no input range yet).
        """
        if self.quantize_input:
            if self.training:
                lo, hi = torch.aminmax(x.detach().float())
                self.input_min = torch.minimum(self.input_min, lo)
                self.input_max = torch.maximum(self.input_max, hi)
            scale, zero_point = self.input_qparams()
            x = fake_quantize(x, scale, zero_point, "uint8")
        w_scale, w_zero = minmax_qparams(self.weight.detach(), "int8", symmetric=True, axis=0)
        w = fake_quantize(self.weight, w_scale, w_zero, "int8", axis=0)
        return torch.nn.functional.linear(x, w, self.bias)

    def input_qparams(self) -> tuple[Tensor, Tensor]:
        """``qparams_from_minmax(running_min, running_max, "uint8")``: 0-d float32 and int64.

        Raises:
            RuntimeError: no input seen in training mode yet.
        """
        if not bool(torch.isfinite(self.input_min)):
            raise RuntimeError("no input range yet: run a forward pass in training mode first")
        return qparams_from_minmax(self.input_min, self.input_max, "uint8")
