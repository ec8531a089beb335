"""Lab 16: multi-head attention.

Multi-head attention that is a drop-in replacement for
``torch.nn.MultiheadAttention`` (same arguments, same results, same
``state_dict`` for the fused variant): splitting and merging heads, turning
masks into one additive mask, a functional form with a fused QKV projection,
three modules (separate projections, fused projection, and an efficient
variant on ``torch.nn.functional.scaled_dot_product_attention``), and the
cost of single-head versus multi-head attention (parameters, FLOPs, time).

Conventions used throughout
---------------------------
* ``d_model`` (``D``) is split into ``num_heads`` (``H``) heads of
  ``head_dim = D // H`` features; ``D`` must be divisible by ``H``. Head
  ``h`` owns the features ``h * head_dim : (h + 1) * head_dim`` of the
  projected queries, keys and values (the layout of ``nn.MultiheadAttention``).
* The functions work *batch first*: queries ``(B, L, D)``, keys and values
  ``(B, S, D)``, where ``L`` is the number of queries and ``S`` the number of
  keys. Only the modules accept ``batch_first=False`` (sequence first,
  ``(L, B, D)``), which is ``nn.MultiheadAttention``'s default.
* Scores are scaled by ``1 / sqrt(head_dim)`` (not ``1 / sqrt(d_model)``).
* Masks follow ``nn.MultiheadAttention`` (and NOT the ``attn_mask`` convention
  of ``scaled_dot_product_attention`` used in lab 15):

  - ``key_padding_mask`` ``(B, S)``: bool ``True`` = this key is padding and
    may not be attended by any query (as in lab 15); a float mask is added to
    the scores.
  - ``attn_mask`` ``(L, S)`` (the same for every batch element and head) or
    ``(B * H, L, S)`` (entry ``b * H + h`` for batch element ``b``, head
    ``h``): bool ``True`` = may NOT attend (the opposite of SDPA's bool
    mask!); a float mask is added to the scores.
  - ``is_causal=True``: query ``i`` may attend key ``j`` only if ``j <= i``
    (``torch.ones(L, S).tril()``, top-left aligned as in lab 15). Unlike in
    ``nn.MultiheadAttention``, where it is only a hint that ``attn_mask`` is
    causal, here it applies the causal mask itself and combines with the
    other masks.

  All masks given apply together. Behaviour for a query that may attend no
  key at all is unspecified (``nn.MultiheadAttention`` returns NaN there).
* Dtypes: float32 and float64; every returned tensor has the query's dtype.
* Dropout acts on the attention weights, only when ``training`` is true (the
  modules pass ``self.training``), like ``nn.MultiheadAttention``.

You may use any ``torch`` operation (``torch.softmax`` and ``nn.Linear``
included), and ``torch.nn.functional.scaled_dot_product_attention`` where the
docstrings ask for it (``use_sdpa``), but not ``nn.MultiheadAttention`` or
``torch.nn.functional.multi_head_attention_forward``.

FLOP convention
---------------
A matrix product of an ``(m, k)`` by a ``(k, n)`` matrix costs ``2 * m * n * k``
FLOPs (one multiply and one add per term). Count the four projections and the
two attention products (scores ``Q K^T`` and ``weights @ V``); ignore biases,
scaling, masking, softmax and dropout. See :func:`attention_flops`.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

ROW_KEYS = ("num_heads", "head_dim", "parameters", "flops", "time_s")
"""The keys of each row returned by :func:`compare_heads`, in this order."""


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Split the last dimension into heads: ``(..., L, D) -> (..., H, L, D // H)``.

    ``result[..., h, i, :] == x[..., i, h * head_dim : (h + 1) * head_dim]``:
    head ``h`` takes the ``h``-th contiguous block of ``head_dim`` features of
    every position. (Reshaping ``(L, D)`` straight to ``(H, L, head_dim)``
    without moving the head axis in front of ``L`` mixes positions up.)

    Args:
        x: a tensor with at least two dimensions ``(..., L, D)``.
        num_heads: the number of heads ``H``, a positive divisor of ``D``.

    Returns:
        A tensor ``(..., H, L, D // H)`` with the dtype of ``x`` (a view is
        fine). Differentiable.

    Raises:
        ValueError: if ``num_heads < 1`` or ``D`` is not divisible by it.
    """
    d_model = x.shape[-1]
    if num_heads < 1 or d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    return x.unflatten(-1, (num_heads, d_model // num_heads)).transpose(-3, -2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """Merge the heads back: ``(..., H, L, head_dim) -> (..., L, H * head_dim)``.

    The inverse of :func:`split_heads`: ``merge_heads(split_heads(x, H)) == x``.

    Args:
        x: a tensor with at least three dimensions ``(..., H, L, head_dim)``.

    Returns:
        A tensor ``(..., L, H * head_dim)`` with the dtype of ``x``.
        Differentiable.
    """
    return x.transpose(-3, -2).flatten(-2)


def _additive(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A bool mask (True = forbidden) as 0 / -inf, a float mask as it is."""
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, float("-inf"))
    return mask.to(dtype)


def build_attention_mask(
    batch_size: int,
    num_heads: int,
    query_len: int,
    key_len: int,
    *,
    attn_mask: torch.Tensor | None = None,
    key_padding_mask: torch.Tensor | None = None,
    is_causal: bool = False,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor | None:
    """Combine all masks into one additive float mask ``(B, H, L, S)``.

    The result is added to the scores ``(B, H, L, S)`` before the softmax.
    Each mask contributes as follows (see the module docstring):

    * a bool mask contributes ``-inf`` where it is ``True`` (forbidden) and
      ``0`` elsewhere; a float mask (of any floating dtype) contributes its
      values, converted to ``dtype``; the two masks may have different
      dtypes (one bool, one float);
    * ``attn_mask`` ``(L, S)`` applies to every batch element and head;
      ``(B * H, L, S)`` gives entry ``b * H + h`` to batch ``b``, head ``h``;
    * ``key_padding_mask`` ``(B, S)`` applies to every head and every query:
      entry ``[b, j]`` affects the column ``j`` (the key axis) of batch ``b``;
    * ``is_causal`` contributes ``-inf`` where ``j > i``.

    The contributions are summed (``-inf`` plus anything finite is ``-inf``).

    Args:
        batch_size, num_heads, query_len, key_len: ``B``, ``H``, ``L``, ``S``.
        attn_mask: optional bool or float ``(L, S)`` or ``(B * H, L, S)``.
        key_padding_mask: optional bool or float ``(B, S)``.
        is_causal: add the causal mask.
        dtype: the floating dtype of the result.

    Returns:
        None when no mask is given (``attn_mask`` and ``key_padding_mask``
        None and ``is_causal`` False); otherwise a tensor of shape exactly
        ``(B, H, L, S)`` and dtype ``dtype`` (an expanded view is fine).

    Raises:
        ValueError: if a mask has the wrong shape (e.g. an ``attn_mask`` that
            is neither ``(L, S)`` nor ``(B * H, L, S)``, or a
            ``key_padding_mask`` that is not ``(B, S)``), or a dtype that is
            neither bool nor floating.
    """
    B, H, L, S = batch_size, num_heads, query_len, key_len
    if attn_mask is None and key_padding_mask is None and not is_causal:
        return None
    for name, m in (("attn_mask", attn_mask), ("key_padding_mask", key_padding_mask)):
        if m is not None and not (m.dtype == torch.bool or m.is_floating_point()):
            raise ValueError(f"{name} must be bool or floating, got {m.dtype}")

    per_head = (B * H, L, S)
    mask = torch.zeros((), dtype=dtype)
    if is_causal:
        future = torch.ones(L, S, dtype=torch.bool).tril().logical_not()
        mask = mask + _additive(future, dtype)
    if attn_mask is not None:
        if tuple(attn_mask.shape) == (L, S):
            mask = mask + _additive(attn_mask, dtype)
        elif tuple(attn_mask.shape) == per_head:
            mask = mask + _additive(attn_mask, dtype).view(B, H, L, S)
        else:
            raise ValueError(f"attn_mask must be {(L, S)} or {per_head}, got {tuple(attn_mask.shape)}")
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (B, S):
            raise ValueError(f"key_padding_mask must be ({B}, {S}), got {tuple(key_padding_mask.shape)}")
        mask = mask + _additive(key_padding_mask, dtype)[:, None, None, :]
    return mask.expand(B, H, L, S)


def attention_heads(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    num_heads: int,
    *,
    attn_mask: torch.Tensor | None = None,
    key_padding_mask: torch.Tensor | None = None,
    is_causal: bool = False,
    need_weights: bool = False,
    average_attn_weights: bool = True,
    dropout_p: float = 0.0,
    training: bool = False,
    use_sdpa: bool = False,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Multi-head attention on already projected queries, keys and values.

    Steps: split ``q``, ``k``, ``v`` into heads; scores
    ``Q_h K_h^T / sqrt(head_dim)`` for all heads at once; add the mask of
    :func:`build_attention_mask`; softmax over the keys; dropout on the
    weights (only if ``training`` and ``dropout_p > 0``, as
    ``torch.nn.functional.dropout``: each weight of each head and batch
    element is zeroed independently with probability ``dropout_p`` and the
    kept ones are scaled by ``1 / (1 - dropout_p)``; when dropout is not
    applied no random numbers are drawn); ``weights @ V_h``; merge the heads.
    No output projection here.

    With ``use_sdpa=True`` and ``need_weights=False`` the attention itself
    (scores, masks, softmax, dropout, ``@ V``) is one call of
    ``torch.nn.functional.scaled_dot_product_attention`` on the
    ``(B, H, L, head_dim)`` heads, with the combined mask as its float
    ``attn_mask`` (or just ``is_causal=True`` when the causal mask is the only
    one). SDPA cannot return weights, so with ``need_weights=True`` the
    explicit computation is used even when ``use_sdpa`` is set.

    Args:
        q: projected queries ``(B, L, D)``.
        k: projected keys ``(B, S, D)``.
        v: projected values ``(B, S, D)``.
        num_heads: ``H``, a positive divisor of ``D``.
        attn_mask, key_padding_mask, is_causal: the masks, as in
            :func:`build_attention_mask`.
        need_weights: return the attention weights too.
        average_attn_weights: return the weights averaged over the heads
            ``(B, L, S)`` when True, per head ``(B, H, L, S)`` when False.
        dropout_p: dropout probability on the attention weights, in ``[0, 1)``.
        training: apply dropout (only then).
        use_sdpa: compute the attention with SDPA (see above).

    Returns:
        ``(output, weights)``: ``output`` ``(B, L, D)`` with the heads merged;
        ``weights`` as described above (after masking, softmax and dropout;
        the weights actually multiplied with the values, so in training mode
        with ``dropout_p > 0`` they contain the dropout's zeros and scaling;
        averaged over the heads after the dropout) or None when
        ``need_weights`` is False. Both have the dtype of ``q``.

    Raises:
        ValueError: if ``q``, ``k`` or ``v`` is not 3-D; if their batch sizes
            or feature sizes differ; if ``k`` and ``v`` have different lengths;
            if ``D`` is not divisible by ``num_heads``; if ``dropout_p`` is not
            in ``[0, 1)``; if a mask has the wrong shape.
    """
    if any(t.dim() != 3 for t in (q, k, v)):
        raise ValueError("q, k and v must be 3-D (batch, sequence, features)")
    (B, L, D), S = q.shape, k.shape[1]
    if k.shape != (B, S, D) or v.shape != (B, S, D):
        raise ValueError(f"k and v must be ({B}, S, {D}) and of the same shape, got {tuple(k.shape)}, {tuple(v.shape)}")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p must be in [0, 1), got {dropout_p}")
    qh, kh, vh = (split_heads(t, num_heads) for t in (q, k, v))
    p = dropout_p if training else 0.0

    if use_sdpa and not need_weights:
        if attn_mask is None and key_padding_mask is None:
            out = F.scaled_dot_product_attention(qh, kh, vh, dropout_p=p, is_causal=is_causal)
        else:
            mask = build_attention_mask(
                B, num_heads, L, S, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, dtype=q.dtype
            )
            out = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=mask, dropout_p=p)
        return merge_heads(out), None

    scores = (qh * (1.0 / math.sqrt(qh.shape[-1]))) @ kh.transpose(-2, -1)
    mask = build_attention_mask(
        B, num_heads, L, S, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, dtype=q.dtype
    )
    if mask is not None:
        scores = scores + mask
    weights = torch.softmax(scores, dim=-1)
    if p > 0.0:
        weights = F.dropout(weights, p)
    output = merge_heads(weights @ vh)
    if not need_weights:
        return output, None
    return output, weights.mean(dim=1) if average_attn_weights else weights


def multi_head_attention_forward(
    query: torch.Tensor,
    in_proj_weight: torch.Tensor,
    in_proj_bias: torch.Tensor | None,
    out_proj_weight: torch.Tensor,
    out_proj_bias: torch.Tensor | None,
    num_heads: int,
    *,
    key: torch.Tensor | None = None,
    value: torch.Tensor | None = None,
    attn_mask: torch.Tensor | None = None,
    key_padding_mask: torch.Tensor | None = None,
    is_causal: bool = False,
    need_weights: bool = False,
    average_attn_weights: bool = True,
    dropout_p: float = 0.0,
    training: bool = False,
    use_sdpa: bool = False,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Multi-head attention with a fused QKV projection, as a function.

    ``in_proj_weight`` ``(3D, D)`` stacks the query, key and value projection
    weights in this order, rows ``0:D`` for the queries, ``D:2D`` for the keys
    and ``2D:3D`` for the values (``in_proj_bias`` ``(3D,)`` likewise): the
    layout of ``nn.MultiheadAttention.in_proj_weight``. So
    ``Q = query @ W[0:D].T + b[0:D]``, ``K = key @ W[D:2D].T + b[D:2D]``,
    ``V = value @ W[2D:3D].T + b[2D:3D]``; then :func:`attention_heads`;
    then the output projection ``out @ out_proj_weight.T + out_proj_bias``
    on the merged heads.

    Self-attention (``key`` and ``value`` None) uses ``query`` as key and
    value; it can project all three with one ``(3D, D)`` matrix product.

    Args:
        query: ``(B, L, D)``.
        in_proj_weight: ``(3D, D)``.
        in_proj_bias: ``(3D,)`` or None (no bias).
        out_proj_weight: ``(D, D)``.
        out_proj_bias: ``(D,)`` or None.
        num_heads: ``H``, a positive divisor of ``D``.
        key, value: ``(B, S, D)`` each, or both None for self-attention.
        attn_mask, key_padding_mask, is_causal, need_weights,
        average_attn_weights, dropout_p, training, use_sdpa: as in
            :func:`attention_heads`.

    Returns:
        ``(output, weights)``: ``output`` ``(B, L, D)`` in the dtype of
        ``query``; ``weights`` as in :func:`attention_heads` (None when
        ``need_weights`` is False). Differentiable with respect to the inputs
        and the weights.

    Raises:
        ValueError: if only one of ``key`` and ``value`` is given; if
            ``in_proj_weight`` is not ``(3D, D)`` for the ``D`` of ``query``;
            and in every case where :func:`attention_heads` raises.
    """
    if (key is None) != (value is None):
        raise ValueError("give both key and value, or neither (self-attention)")
    D = query.shape[-1]
    fused_shape = (3 * D, D)
    if tuple(in_proj_weight.shape) != fused_shape:
        raise ValueError(f"in_proj_weight must be {fused_shape}, got {tuple(in_proj_weight.shape)}")
    if key is None:
        q, k, v = F.linear(query, in_proj_weight, in_proj_bias).chunk(3, dim=-1)
    else:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)
    output, weights = attention_heads(
        q,
        k,
        v,
        num_heads,
        attn_mask=attn_mask,
        key_padding_mask=key_padding_mask,
        is_causal=is_causal,
        need_weights=need_weights,
        average_attn_weights=average_attn_weights,
        dropout_p=dropout_p,
        training=training,
        use_sdpa=use_sdpa,
    )
    return F.linear(output, out_proj_weight, out_proj_bias), weights


def _check_settings(d_model: int, num_heads: int, dropout: float) -> None:
    if num_heads < 1 or d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")


class MultiHeadAttention(nn.Module):
    """Multi-head attention with separate query, key and value projections.

    ``forward`` takes the arguments of ``nn.MultiheadAttention.forward`` and
    returns the same results when the weights are the same: the rows
    ``0:D``, ``D:2D``, ``2D:3D`` of ``nn.MultiheadAttention``'s
    ``in_proj_weight`` (and ``in_proj_bias``) are ``q_proj``, ``k_proj``,
    ``v_proj`` here, and ``out_proj`` is ``out_proj``.

    Submodules (the ``state_dict`` keys are ``"q_proj.weight"``,
    ``"q_proj.bias"``, ..., ``"out_proj.bias"``): ``q_proj``, ``k_proj``,
    ``v_proj``, ``out_proj``, each ``nn.Linear(d_model, d_model, bias=bias)``.
    No other parameters or buffers.

    Attributes: ``d_model``, ``num_heads``, ``head_dim`` (ints), ``dropout``
    (float), ``batch_first`` (bool), all as given.

    Args:
        d_model: the model width ``D``.
        num_heads: the number of heads ``H``; must divide ``d_model``.
        dropout: dropout probability on the attention weights, in ``[0, 1)``,
            applied only in training mode.
        bias: whether the four projections have biases.
        batch_first: inputs and output are ``(B, L, D)`` when True and
            ``(L, B, D)`` when False (the default, as ``nn.MultiheadAttention``).

    Raises:
        ValueError: if ``d_model`` is not divisible by ``num_heads`` or
            ``dropout`` is not in ``[0, 1)``.
    """

    def __init__(
        self, d_model: int, num_heads: int, dropout: float = 0.0, bias: bool = True, batch_first: bool = False
    ) -> None:
        super().__init__()
        _check_settings(d_model, num_heads, dropout)
        self.d_model = d_model
        self.num_heads = num_heads
        self.head_dim = d_model // num_heads
        self.dropout = float(dropout)
        self.batch_first = batch_first
        self.q_proj = nn.Linear(d_model, d_model, bias=bias)
        self.k_proj = nn.Linear(d_model, d_model, bias=bias)
        self.v_proj = nn.Linear(d_model, d_model, bias=bias)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        need_weights: bool = True,
        attn_mask: torch.Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Attend from ``query`` to ``key``/``value``, like ``nn.MultiheadAttention``.

        Args:
            query: ``(B, L, D)`` if ``batch_first`` else ``(L, B, D)``.
            key, value: ``(B, S, D)`` if ``batch_first`` else ``(S, B, D)``.
            key_padding_mask: optional ``(B, S)`` (always batch first).
            need_weights: also return the attention weights (default True,
                as in ``nn.MultiheadAttention``).
            attn_mask: optional ``(L, S)`` or ``(B * H, L, S)``.
            average_attn_weights: weights averaged over heads ``(B, L, S)``
                when True, per head ``(B, H, L, S)`` when False.
            is_causal: apply the causal mask (see the module docstring).

        Returns:
            ``(output, weights)``: ``output`` in the layout of ``query``;
            ``weights`` always batch first, or None when ``need_weights`` is
            False. A call changes neither the parameters nor the module's
            mode (``training``).

        Raises:
            ValueError: as :func:`attention_heads`.
        """
        if not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        output, weights = attention_heads(
            self.q_proj(query),
            self.k_proj(key),
            self.v_proj(value),
            self.num_heads,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=need_weights,
            average_attn_weights=average_attn_weights,
            dropout_p=self.dropout,
            training=self.training,
        )
        output = self.out_proj(output)
        return (output if self.batch_first else output.transpose(0, 1)), weights


class FusedMultiHeadAttention(nn.Module):
    """Multi-head attention with one fused QKV projection, parameter for parameter
    ``nn.MultiheadAttention``: its ``state_dict`` loads here unchanged.

    Parameters (the ``state_dict`` keys, exactly those of
    ``nn.MultiheadAttention(d_model, num_heads, bias=bias)``):

    * ``in_proj_weight`` ``(3 * d_model, d_model)``: query, key, value rows
      in this order (see :func:`multi_head_attention_forward`);
    * ``in_proj_bias`` ``(3 * d_model,)``, only when ``bias`` (otherwise the
      attribute ``in_proj_bias`` is None and not in the ``state_dict``);
    * ``out_proj``, an ``nn.Linear(d_model, d_model, bias=bias)``:
      ``out_proj.weight`` and (when ``bias``) ``out_proj.bias``.

    Initialise like ``nn.MultiheadAttention``: ``in_proj_weight`` with
    ``nn.init.xavier_uniform_``, both biases with zeros (not tested beyond
    being finite). ``forward`` must call :func:`multi_head_attention_forward`
    (passing ``use_sdpa=self.use_sdpa``).

    Attributes and Args: as :class:`MultiHeadAttention`.

    Raises:
        ValueError: as :class:`MultiHeadAttention`.
    """

    use_sdpa = False  # EfficientMultiHeadAttention sets it to True

    def __init__(
        self, d_model: int, num_heads: int, dropout: float = 0.0, bias: bool = True, batch_first: bool = False
    ) -> None:
        super().__init__()
        _check_settings(d_model, num_heads, dropout)
        self.d_model = d_model
        self.num_heads = num_heads
        self.head_dim = d_model // num_heads
        self.dropout = float(dropout)
        self.batch_first = batch_first
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        if bias:
            nn.init.zeros_(self.out_proj.bias)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        need_weights: bool = True,
        attn_mask: torch.Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Same arguments, results and layouts as :meth:`MultiHeadAttention.forward`.

        Transposes to batch first if needed, calls
        :func:`multi_head_attention_forward` with this module's parameters,
        ``dropout_p=self.dropout``, ``training=self.training`` and
        ``use_sdpa=self.use_sdpa``, and transposes the output back.
        """
        if not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        output, weights = multi_head_attention_forward(
            query,
            self.in_proj_weight,
            self.in_proj_bias,
            self.out_proj.weight,
            self.out_proj.bias,
            self.num_heads,
            key=key,
            value=value,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=need_weights,
            average_attn_weights=average_attn_weights,
            dropout_p=self.dropout,
            training=self.training,
            use_sdpa=self.use_sdpa,
        )
        return (output if self.batch_first else output.transpose(0, 1)), weights


class EfficientMultiHeadAttention(FusedMultiHeadAttention):
    """:class:`FusedMultiHeadAttention` whose attention runs on
    ``torch.nn.functional.scaled_dot_product_attention``.

    Same constructor, parameters, ``state_dict`` keys, ``forward`` arguments
    and results (up to float rounding) as :class:`FusedMultiHeadAttention`;
    the only difference is the class attribute ``use_sdpa = True`` (given),
    so that the inherited ``forward`` calls :func:`multi_head_attention_forward`
    with ``use_sdpa=True``: with ``need_weights=False`` the attention is
    computed by SDPA, which does not store the ``(B, H, L, S)`` weights when it
    can avoid it; with ``need_weights=True`` it falls back to the explicit
    computation (as ``nn.MultiheadAttention`` does). Once
    :class:`FusedMultiHeadAttention` and the SDPA path of
    :func:`attention_heads` work, there is nothing more to write here.
    """

    use_sdpa = True


def attention_flops(batch_size: int, query_len: int, key_len: int, d_model: int, num_heads: int) -> int:
    """FLOPs of one multi-head attention forward pass (see the module docstring).

    With ``B, L, S, D, H = batch_size, query_len, key_len, d_model, num_heads``
    and ``head_dim = D // H``, counting ``2 * m * n * k`` per product of an
    ``(m, k)`` and a ``(k, n)`` matrix:

    * query projection ``2 * B * L * D * D``; key and value projections
      ``2 * B * S * D * D`` each; output projection ``2 * B * L * D * D``;
    * scores ``Q_h K_h^T``: ``2 * L * S * head_dim`` per head and batch
      element, so ``2 * B * H * L * S * head_dim``; the same for
      ``weights @ V_h``.

    Biases, scaling, masks, softmax and dropout are not counted.

    Args:
        batch_size, query_len, key_len, d_model, num_heads: positive ints;
            ``num_heads`` divides ``d_model``.

    Returns:
        The total as a Python int.

    Raises:
        ValueError: if a size is not positive or ``d_model`` is not divisible
            by ``num_heads``.
    """
    B, L, S, D, H = batch_size, query_len, key_len, d_model, num_heads
    if min(B, L, S, D, H) < 1:
        raise ValueError("all sizes must be positive")
    if D % H:
        raise ValueError(f"d_model={D} is not divisible by num_heads={H}")
    head_dim = D // H
    projections = 2 * B * L * D * D + 2 * (2 * B * S * D * D) + 2 * B * L * D * D
    attention = 2 * (2 * B * H * L * S * head_dim)
    return projections + attention


def compare_heads(
    d_model: int,
    seq_len: int,
    head_counts: Sequence[int] = (1, 8),
    batch_size: int = 1,
    bias: bool = True,
    repeats: int = 5,
) -> list[dict]:
    """Compare the cost of self-attention with different numbers of heads.

    For each ``h`` in ``head_counts`` (in that order) build
    ``MultiHeadAttention(d_model, h, bias=bias, batch_first=True)`` in eval
    mode and return one row (a dict with exactly the keys of ``ROW_KEYS``):

    * ``"num_heads"``: ``h`` (int);
    * ``"head_dim"``: ``d_model // h`` (int);
    * ``"parameters"``: the number of scalar parameters of that module (int);
    * ``"flops"``: ``attention_flops(batch_size, seq_len, seq_len, d_model, h)``
      (int);
    * ``"time_s"``: the median wall-clock time in seconds (a positive float)
      of ``repeats`` self-attention forward passes
      (``m(x, x, x, need_weights=False)`` under ``torch.no_grad()``) on a
      random float32 ``x`` of shape ``(batch_size, seq_len, d_model)``, after
      one untimed warm-up pass.

    Args:
        d_model: the model width; every entry of ``head_counts`` divides it.
        seq_len: the sequence length ``L`` (``= S``).
        head_counts: the numbers of heads to compare (any sequence of
            ints; empty gives an empty list).
        batch_size: the batch size ``B``.
        bias: whether the projections have biases.
        repeats: how many timed passes per row (at least 1).

    Returns:
        A list of ``len(head_counts)`` dicts.

    Raises:
        ValueError: if a head count does not divide ``d_model`` or
            ``repeats < 1``.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    for h in head_counts:
        if h < 1 or d_model % h:
            raise ValueError(f"d_model={d_model} is not divisible by num_heads={h}")
    x = torch.randn(batch_size, seq_len, d_model)
    rows = []
    for h in head_counts:
        module = MultiHeadAttention(d_model, h, bias=bias, batch_first=True).eval()
        times = []
        with torch.no_grad():
            module(x, x, x, need_weights=False)  # warm-up
            for _ in range(repeats):
                start = time.perf_counter()
                module(x, x, x, need_weights=False)
                times.append(time.perf_counter() - start)
        rows.append(
            {
                "num_heads": h,
                "head_dim": d_model // h,
                "parameters": sum(p.numel() for p in module.parameters()),
                "flops": attention_flops(batch_size, seq_len, seq_len, d_model, h),
                "time_s": float(statistics.median(times)),
            }
        )
    return rows
