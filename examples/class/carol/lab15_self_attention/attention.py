"""Lab 15: self-attention.

Scaled dot-product attention from scratch, with the same conventions as
``torch.nn.functional.scaled_dot_product_attention`` (SDPA): a numerically
stable softmax, causal / boolean / additive / key-padding masks, dropout on
the attention weights, and a single-head self-attention ``nn.Module``.

Conventions used throughout
---------------------------
* Shapes: queries ``(..., L, E)``, keys ``(..., S, E)``, values ``(..., S, Ev)``
  with the same leading (batch) dimensions, any number of them (zero
  included). The scores and weights have shape ``(..., L, S)``, the output
  ``(..., L, Ev)``.
* Dtypes: float32 and float64. Query, key, value (and a float mask) share
  one dtype, and every returned tensor has that dtype.
* A *fully masked* query row (one that may attend to no key at all) gets
  all-zero attention weights and therefore an all-zero output row, never
  NaN; its gradients are zero as well. (Recent PyTorch versions of SDPA
  also give zeros there; older ones give NaN.)

You may use ``torch`` tensor operations (``matmul``, ``exp``, ``amax``,
``where``, ``rand``, ``nn.Linear``...) but not ``torch.softmax``,
``torch.nn.functional.softmax``, ``scaled_dot_product_attention`` or
``nn.MultiheadAttention``. Keep ``import torch`` at the top of this file:
the grader builds a ``torch.Generator`` through your module's ``torch``.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Numerically stable softmax of ``x`` along ``dim``.

    ``softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m)`` where ``m`` is the
    maximum along ``dim``: subtracting it changes nothing mathematically but
    keeps ``exp`` from overflowing (inputs around 1e4 must work in float32).

    Args:
        x: a floating-point tensor (float32 or float64) of any shape. Entries
            may be ``-inf`` (they get probability 0); NaN and ``+inf`` are not
            allowed (the result is then unspecified).
        dim: the dimension to normalise over (negative values count from
            the end).

    Returns:
        A tensor of the same shape and dtype as ``x``, non-negative, whose
        slices along ``dim`` sum to 1 -- except slices that are entirely
        ``-inf``, which become all zeros (not NaN). Differentiable with
        autograd; the gradient of an all ``-inf`` slice is zero.
    """
    shift = x.amax(dim=dim, keepdim=True).detach()
    shift = shift.masked_fill(shift == float("-inf"), 0.0)  # all -inf slices: avoid -inf - -inf
    exp = torch.exp(x - shift)
    total = exp.sum(dim=dim, keepdim=True)
    return exp / total.masked_fill(total == 0, 1.0)  # 0 / 1 = 0 for all -inf slices


def scaled_dot_product_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    *,
    key_padding_mask: torch.Tensor | None = None,
    training: bool = True,
    generator: torch.Generator | None = None,
    need_weights: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention, ``softmax(Q K^T * scale + masks) V``.

    Steps:
      1. scores ``(..., L, S) = query @ key^T * scale``, with
         ``scale = 1 / sqrt(E)`` by default (``E`` = the query/key feature
         size, NOT the value size ``Ev``);
      2. masking (all masks given are applied together):
         * ``is_causal=True``: query ``i`` may attend key ``j`` only if
           ``j <= i``. For ``L != S`` this is the *top-left aligned* lower
           triangle, as in SDPA: ``torch.ones(L, S).tril()``; so with
           ``L > S`` the last queries see every key, and with ``L < S`` the
           last keys are seen by no query;
         * ``attn_mask`` of dtype bool: ``True`` = may attend, ``False`` = may
           not (the score becomes ``-inf``);
         * ``attn_mask`` of a float dtype: added to the scores (use ``-inf``
           to forbid, 0 to leave alone, anything else as a bias);
         * ``key_padding_mask`` (bool, shape ``(..., S)``): ``True`` = this key
           is padding and may NOT be attended (the convention of
           ``nn.MultiheadAttention``; note it is the opposite of a bool
           ``attn_mask``). It applies to every query: it is broadcast as
           ``key_padding_mask[..., None, :]`` against the scores, so for
           queries of shape ``(B, H, L, E)`` pass shape ``(B, 1, S)``, and for
           ``(B, L, E)`` pass ``(B, S)``;
      3. weights = ``softmax(scores)`` over the keys (the last dimension), a
         fully masked row giving all zeros (see :func:`softmax`);
      4. dropout on the weights when ``training`` and ``dropout_p > 0``: each
         weight is independently zeroed with probability ``dropout_p`` and
         the kept ones are multiplied by ``1 / (1 - dropout_p)``, so the
         expected output equals the output without dropout. Each weight gets
         its own random draw: rows, heads and batch elements are dropped
         independently of each other. Random numbers come from
         ``generator`` (or torch's global generator when it is None), so the
         same seed gives the same result. When dropout is not applied
         (``training=False`` or ``dropout_p == 0``) no random numbers are
         drawn at all: the generator's state is left unchanged;
      5. output = weights ``@ value``.

    Args:
        query: ``(..., L, E)`` float32 or float64.
        key: ``(..., S, E)``, same dtype and leading dims as ``query``.
        value: ``(..., S, Ev)``, same dtype and leading dims; ``Ev`` may
            differ from ``E``.
        attn_mask: optional bool or float mask broadcastable to
            ``(..., L, S)`` (for example ``(L, S)``); a float mask has the
            dtype of ``query``.
        dropout_p: dropout probability on the attention weights, in ``[0, 1)``
            (0 allowed: no dropout; 1 not allowed).
        is_causal: apply the causal mask described above.
        scale: the factor the scores are multiplied by; None (and only
            None) means ``1 / sqrt(E)``. Any float given is used as it is:
            ``scale=0.0`` gives all-equal scores (uniform weights over the
            keys a query may attend), ``scale=1.0`` unscaled scores, and a
            negative scale is allowed.
        key_padding_mask: optional bool tensor, ``True`` = padding (see above).
        training: dropout is applied only when this is True (the default,
            like SDPA, which applies ``dropout_p`` whenever it is given).
        generator: optional ``torch.Generator`` for the dropout's random
            numbers.
        need_weights: also return the attention weights.

    Returns:
        The output ``(..., L, Ev)`` in the dtype of ``query``; with
        ``need_weights=True`` the tuple ``(output, weights)``, where
        ``weights`` ``(..., L, S)`` are the weights actually multiplied with
        ``value`` (after masking, softmax and dropout), so that
        ``output == weights @ value``; both have the dtype of ``query``.
        Differentiable with respect to query, key and value (through the
        dropout too: a dropped weight passes no gradient, a kept one is
        scaled by ``1 / (1 - dropout_p)``). The inputs are not modified.

    Raises:
        ValueError: if ``query`` and ``key`` have different feature sizes
            ``E``; if ``key`` and ``value`` have different lengths ``S``; if
            ``dropout_p`` is not in ``[0, 1)``; if both ``attn_mask`` and
            ``is_causal=True`` are given (as SDPA does; combine them into
            one mask yourself instead).
    """
    E, E_key = query.shape[-1], key.shape[-1]
    S, S_value = key.shape[-2], value.shape[-2]
    if E != E_key:
        raise ValueError(f"query and key feature sizes differ: {E} != {E_key}")
    if S != S_value:
        raise ValueError(f"key and value lengths differ: {S} != {S_value}")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p must be in [0, 1), got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise ValueError("give either attn_mask or is_causal=True, not both")

    if scale is None:
        scale = 1.0 / math.sqrt(E)
    scores = (query * scale) @ key.transpose(-2, -1)  # scaling Q (L*E) is cheaper than the scores (L*S)

    neg_inf = float("-inf")
    if is_causal:
        L, S = scores.shape[-2:]
        allowed = torch.ones(L, S, dtype=torch.bool, device=scores.device).tril()
        scores = scores.masked_fill(~allowed, neg_inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = torch.where(attn_mask, scores, neg_inf)
        else:
            scores = scores + attn_mask
    if key_padding_mask is not None:
        scores = torch.where(key_padding_mask.unsqueeze(-2), neg_inf, scores)

    weights = softmax(scores, dim=-1)
    if training and dropout_p > 0.0:
        keep = torch.rand(weights.shape, generator=generator, device=weights.device) >= dropout_p
        weights = weights * keep / (1.0 - dropout_p)

    output = weights @ value
    return (output, weights) if need_weights else output


class SelfAttention(nn.Module):
    """Single-head self-attention: queries, keys and values all come from ``x``.

    ``forward(x) = out_proj(attention(q_proj(x), k_proj(x), v_proj(x)))``
    with the default scale ``1 / sqrt(d_model)``.

    Submodules (their names are the ``state_dict`` keys, e.g.
    ``"q_proj.weight"``, ``"q_proj.bias"``): ``q_proj``, ``k_proj``,
    ``v_proj``, ``out_proj``, each an ``nn.Linear(d_model, d_model, bias=bias)``
    with PyTorch's default initialisation. No other parameters or buffers.

    Args:
        d_model: the model width (input and output feature size).
        bias: whether the four projections have a bias.
        dropout: dropout probability on the attention weights, in ``[0, 1)``;
            applied only in training mode (``module.train()``), never after
            ``module.eval()``. Stored as the float attribute ``dropout``.

    Raises:
        ValueError: if ``dropout`` is not in ``[0, 1)``.
    """

    def __init__(self, d_model: int, bias: bool = True, dropout: float = 0.0) -> None:
        super().__init__()
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.d_model = d_model
        self.dropout = float(dropout)
        self.q_proj = nn.Linear(d_model, d_model, bias=bias)
        self.k_proj = nn.Linear(d_model, d_model, bias=bias)
        self.v_proj = nn.Linear(d_model, d_model, bias=bias)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(
        self,
        x: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        """Self-attention over the sequence ``x``.

        Args:
            x: ``(batch, seq, d_model)`` in the dtype of the parameters.
            key_padding_mask: optional bool ``(batch, seq)``, ``True`` = that
                position is padding: no position attends to it (its own
                output row is still computed normally).
            is_causal: position ``i`` attends only to positions ``<= i``.

        Returns:
            ``(batch, seq, d_model)``, same dtype as ``x``. A call changes
            neither the parameters nor the module's mode (``training``).
        """
        return self.out_proj(
            scaled_dot_product_attention(
                self.q_proj(x),
                self.k_proj(x),
                self.v_proj(x),
                dropout_p=self.dropout,
                is_causal=is_causal,
                key_padding_mask=key_padding_mask,
                training=self.training,
            )
        )


def scaled_dot_product_attention(
    query,
    key,
    value,
    attn_mask=None,
    dropout_p=0.0,
    is_causal=False,
    scale=None,
    *,
    key_padding_mask=None,
    training=True,
    generator=None,
    need_weights=False,
):
    if query.shape[-1] != key.shape[-1]:
        raise ValueError("query and key feature sizes differ")
    if key.shape[-2] != value.shape[-2]:
        raise ValueError("key and value lengths differ")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError("dropout_p must be in [0, 1)")
    if is_causal and attn_mask is not None:
        raise ValueError("give either attn_mask or is_causal=True, not both")

    if scale is None:
        scale = 1.0
    scores = (query * scale) @ key.transpose(-2, -1)

    neg_inf = float("-inf")
    if is_causal:
        L, S = scores.shape[-2:]
        allowed = torch.ones(L, S, dtype=torch.bool, device=scores.device).tril()
        scores = scores.masked_fill(~allowed, neg_inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = torch.where(attn_mask, scores, neg_inf)
        else:
            scores = scores + attn_mask
    if key_padding_mask is not None:
        scores = torch.where(key_padding_mask.unsqueeze(-2), neg_inf, scores)

    weights = softmax(scores, dim=-1)
    if training and dropout_p > 0.0:
        keep = torch.rand(weights.shape, generator=generator, device=weights.device) >= dropout_p
        weights = weights * keep / (1.0 - dropout_p)

    output = weights @ value
    return (output, weights) if need_weights else output
