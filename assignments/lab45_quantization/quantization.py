"""Lab 45: quantization.

Implement every function and class below; each docstring is the specification.
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

``torch.ao.quantization`` and torch's quantize / fake-quantize functions may
not be used here (a code check costs 50 points); use them in your own tests
to compare with.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch  # noqa: F401
from torch import Tensor, nn

QRANGES: dict[str, tuple[int, int]] = {"int8": (-128, 127), "uint8": (0, 255), "int4": (-8, 7), "uint4": (0, 15)}
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
    raise NotImplementedError("TODO: qrange")


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
    raise NotImplementedError("TODO: qparams_from_minmax")


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
    raise NotImplementedError("TODO: minmax_qparams")


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
    raise NotImplementedError("TODO: calibrate")


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
    raise NotImplementedError("TODO: quantize")


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
    raise NotImplementedError("TODO: dequantize")


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
    raise NotImplementedError("TODO: fake_quantize")


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
    raise NotImplementedError("TODO: pack_int4")


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
    raise NotImplementedError("TODO: unpack_int4")


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
    raise NotImplementedError("TODO: quantize_int4_groupwise")


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
    raise NotImplementedError("TODO: dequantize_int4_groupwise")


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
    raise NotImplementedError("TODO: int8_linear")


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
        raise NotImplementedError("TODO: __init__")

    def forward(self, x: Tensor) -> Tensor:
        """``int8_linear(x, weight_q, scale, zero_point, bias)``: float32 of shape ``(..., out)``."""
        raise NotImplementedError("TODO: forward")

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
        raise NotImplementedError("TODO: error_bound")


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
        raise NotImplementedError("TODO: __init__")

    def forward(self, x: Tensor) -> Tensor:
        """The fake-quantized linear map above: float32 of shape ``(..., out)``.

        Raises:
            RuntimeError: ``quantize_input`` and an eval-mode call before any
                training-mode call (no input range yet).
        """
        raise NotImplementedError("TODO: forward")

    def input_qparams(self) -> tuple[Tensor, Tensor]:
        """``qparams_from_minmax(running_min, running_max, "uint8")``: 0-d float32 and int64.

        Raises:
            RuntimeError: no input seen in training mode yet.
        """
        raise NotImplementedError("TODO: input_qparams")
