"""Lab 17: the transformer encoder.

The pieces of the encoder of "Attention Is All You Need" (Vaswani et al.,
2017), built so that they can load the weights of PyTorch's own
``nn.TransformerEncoderLayer`` / ``nn.TransformerEncoder`` and give the same
outputs: sinusoidal and learned positional encodings, a position-wise
feed-forward block, multi-head self-attention, residual connections with
LayerNorm before (pre-norm) or after (post-norm) each sub-block, a stack of
layers, and padding masks.

Conventions used throughout
---------------------------
* Batch first: sequences are ``(batch, seq, d_model)`` tensors.
* Dtypes: float32 and float64; every returned tensor has the dtype of the
  input ``x`` (modules are converted with ``.double()`` when needed).
* Masks follow ``nn.MultiheadAttention`` / ``nn.TransformerEncoderLayer``,
  NOT ``scaled_dot_product_attention``:

  - a key padding mask is a bool ``(batch, seq)`` tensor, ``True`` = this
    position is padding: no query attends to it (its own output row is
    still computed like any other, attending to the non-padded keys);
  - an attention mask (``attn_mask`` / ``src_mask`` / ``mask``) has shape
    ``(seq, seq)`` (the same for every sequence and head) or
    ``(batch * num_heads, seq, seq)`` (row ``b * num_heads + h`` for
    sequence ``b``, head ``h``); a bool mask has ``True`` = may NOT attend
    (the opposite of SDPA's bool ``attn_mask``!), a float mask (the dtype of
    ``x``) is added to the attention scores (``-inf`` forbids).
  - Both masks may be given together; both then apply. A query that may
    attend to no key at all (for instance a sequence that is entirely
    padding) gives an unspecified result.

* Dropout follows ``nn.TransformerEncoderLayer``: on the attention weights,
  after the feed-forward activation, and on the output of each sub-block
  before the residual addition; it is active only in training mode
  (``module.train()``, the default after construction), never after
  ``module.eval()``.

What you may use: any ``torch`` tensor operation, ``nn.Linear``,
``nn.LayerNorm`` / ``F.layer_norm``, ``nn.Dropout`` / ``F.dropout``,
``F.relu``, ``F.gelu`` and ``torch.nn.functional.scaled_dot_product_attention``
(you wrote your own in lab 15; PyTorch's is faster). You may NOT use
``nn.MultiheadAttention``, ``F.multi_head_attention_forward``,
``nn.TransformerEncoderLayer``, ``nn.TransformerEncoder`` or
``nn.Transformer``: building them is the point of the lab.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}  # "gelu" is the exact (erf) GELU, as in torch


def padding_mask(lengths: list[int] | torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """The key padding mask of right-padded sequences of the given lengths.

    Args:
        lengths: the true length of each sequence (a list of ints or a 1-D
            integer tensor), each ``>= 0``.
        max_len: the padded length; None means ``max(lengths)`` (0 for no
            sequences).

    Returns:
        A bool tensor ``(len(lengths), max_len)`` whose entry ``[b, t]`` is
        ``True`` exactly when ``t >= lengths[b]`` (position ``t`` of sequence
        ``b`` is padding).

    Raises:
        ValueError: if a length is negative or larger than ``max_len``.
    """
    raise NotImplementedError("TODO: True where position >= length; check the lengths")


def sinusoidal_positional_encoding(
    max_len: int, d_model: int, *, base: float = 10000.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """The sinusoidal position table of Vaswani et al. (2017).

    ``PE[pos, 2i]   = sin(pos / base ** (2i / d_model))``
    ``PE[pos, 2i+1] = cos(pos / base ** (2i / d_model))``

    for ``pos = 0 .. max_len-1``: even columns hold sines, odd columns hold
    cosines, and columns ``2i`` and ``2i+1`` share one frequency (the sines
    and cosines are interleaved, not concatenated as two halves). So column
    ``j`` uses the exponent ``2 * (j // 2) / d_model``. When ``d_model`` is
    odd the last column ``d_model - 1`` is even and holds the sine of
    frequency ``base ** (-(d_model - 1) / d_model)`` (it has no cosine
    partner). Row 0 is ``[0, 1, 0, 1, ...]``.

    The values are computed in float64 and then converted to ``dtype``
    (float32 arithmetic on ``pos * frequency`` loses about ``pos * 1e-7``).

    Args:
        max_len: the number of positions, ``>= 0`` (any size: the table is
            computed, not looked up).
        d_model: the number of features, ``>= 1``.
        base: the wavelength base (10000 in the paper).
        dtype: the floating-point dtype of the result.

    Returns:
        A ``(max_len, d_model)`` tensor of dtype ``dtype``.

    Raises:
        ValueError: if ``max_len < 0`` or ``d_model < 1``.
    """
    raise NotImplementedError("TODO: sin on even, cos on odd columns of pos / base**(2i/d_model), in float64")


class SinusoidalPositionalEncoding(nn.Module):
    """Adds the sinusoidal table to a batch of sequences: ``x + PE[:seq]``.

    Has no parameters and nothing in its ``state_dict`` (the table is
    computed, or cached in a buffer registered with ``persistent=False``), and
    works for sequences of any length, in any order across calls (a cached
    table must not limit a later, longer sequence or another dtype).

    Args:
        d_model: the number of features.
        base: the wavelength base of :func:`sinusoidal_positional_encoding`.
    """

    def __init__(self, d_model: int, base: float = 10000.0) -> None:
        super().__init__()
        raise NotImplementedError("TODO: store d_model and base")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(batch, seq, d_model)`` plus ``PE[:seq]`` (the same for every
        sequence), in the dtype of ``x``."""
        raise NotImplementedError("TODO: x + the table for x's length, in x's dtype")


class LearnedPositionalEmbedding(nn.Module):
    """A learned table of position vectors (as in BERT and GPT-2): ``x + weight[:seq]``.

    Parameters: exactly one, ``weight`` of shape ``(max_len, d_model)`` (the
    ``state_dict`` key is ``"weight"``), initialised from a normal
    distribution with mean 0 and standard deviation 0.02.

    Args:
        max_len: the longest sequence the table covers.
        d_model: the number of features.
    """

    def __init__(self, max_len: int, d_model: int) -> None:
        super().__init__()
        raise NotImplementedError("TODO: the parameter 'weight' ~ N(0, 0.02^2)")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(batch, seq, d_model)`` plus ``weight[:seq]``; differentiable with
        respect to ``x`` and ``weight``.

        Raises:
            ValueError: if ``seq > max_len``.
        """
        raise NotImplementedError("TODO: check the length, x + weight[:seq]")


class FeedForward(nn.Module):
    """The position-wise feed-forward block: ``linear2(dropout(activation(linear1(x))))``.

    Submodules (their names are the ``state_dict`` keys):
    ``linear1 = nn.Linear(d_model, dim_feedforward, bias=bias)`` and
    ``linear2 = nn.Linear(dim_feedforward, d_model, bias=bias)``. The same
    position-wise map is applied to every position independently.

    Args:
        d_model: input and output feature size.
        dim_feedforward: the hidden size (typically ``4 * d_model``).
        activation: ``"relu"`` or ``"gelu"`` (the exact, erf-based GELU,
            ``F.gelu`` with its default ``approximate="none"``); stored as the
            str attribute ``activation``.
        dropout: dropout probability after the activation, training mode only.
        bias: whether the two linear maps have biases.

    Raises:
        ValueError: for any other ``activation``.
    """

    def __init__(
        self, d_model: int, dim_feedforward: int, activation: str = "relu", dropout: float = 0.0, bias: bool = True
    ) -> None:
        super().__init__()
        raise NotImplementedError("TODO: check the activation, create linear1, dropout, linear2")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(..., d_model)`` -> ``(..., d_model)``."""
        raise NotImplementedError("TODO: linear2(dropout(activation(linear1(x))))")


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention with the parameters of ``nn.MultiheadAttention``.

    Parameters (the ``state_dict`` keys, as in ``nn.MultiheadAttention`` with
    equal query/key/value sizes):

    * ``in_proj_weight`` ``(3 * d_model, d_model)``: rows ``[0, d)`` project
      to the queries, ``[d, 2d)`` to the keys, ``[2d, 3d)`` to the values;
    * ``in_proj_bias`` ``(3 * d_model,)``, only when ``bias``;
    * ``out_proj``: an ``nn.Linear(d_model, d_model, bias=bias)``
      (``out_proj.weight``, ``out_proj.bias``).

    Head ``h`` uses features ``[h * head_dim, (h + 1) * head_dim)`` of the
    projected queries, keys and values (``head_dim = d_model // num_heads``),
    with scale ``1 / sqrt(head_dim)``; the heads' outputs are concatenated in
    head order and passed through ``out_proj``. Initialisation as in torch:
    ``in_proj_weight`` Xavier-uniform, both biases zero, ``out_proj.weight``
    the default ``nn.Linear`` initialisation.

    Args:
        d_model: the model width.
        num_heads: the number of heads; must divide ``d_model``.
        dropout: dropout probability on the attention weights (training
            mode only).
        bias: whether ``in_proj`` and ``out_proj`` have biases.

    Raises:
        ValueError: if ``num_heads`` does not divide ``d_model``.
    """

    def __init__(self, d_model: int, num_heads: int, dropout: float = 0.0, bias: bool = True) -> None:
        super().__init__()
        raise NotImplementedError("TODO: check num_heads, create in_proj_weight, in_proj_bias, out_proj (torch's initialisation)")

    def forward(
        self,
        x: torch.Tensor,
        attn_mask: torch.Tensor | None = None,
        key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Self-attention over ``x`` ``(batch, seq, d_model)``; returns the same shape.

        Args:
            x: the sequences, in the dtype of the parameters.
            attn_mask: optional ``(seq, seq)`` or ``(batch * num_heads, seq,
                seq)`` mask, bool (``True`` = may NOT attend) or float (added
                to the scores).
            key_padding_mask: optional bool ``(batch, seq)``, ``True`` = padding.

        Returns:
            Only the output tensor (not a tuple, unlike ``nn.MultiheadAttention``).
        """
        raise NotImplementedError("TODO: fused projection, split heads, combine the masks, attend, merge heads, out_proj")


class EncoderLayer(nn.Module):
    """One encoder layer, equal to ``nn.TransformerEncoderLayer(..., batch_first=True)``.

    Post-norm (``norm_first=False``, the original transformer)::

        x = norm1(x + dropout1(self_attn(x)))
        x = norm2(x + dropout2(feed_forward(x)))

    Pre-norm (``norm_first=True``, GPT-2 and most modern models; the residual
    stream itself is never normalised)::

        x = x + dropout1(self_attn(norm1(x)))
        x = x + dropout2(feed_forward(norm2(x)))

    where ``feed_forward(h) = linear2(dropout(activation(linear1(h))))``.

    Submodules, so that the ``state_dict`` keys equal those of
    ``nn.TransformerEncoderLayer`` and its weights load with
    ``load_state_dict``: ``self_attn`` (a :class:`MultiHeadSelfAttention`:
    ``self_attn.in_proj_weight``, ``self_attn.in_proj_bias``,
    ``self_attn.out_proj.weight``, ``self_attn.out_proj.bias``), ``linear1``,
    ``linear2`` (the feed-forward maps, held by the layer itself rather than by
    a :class:`FeedForward` submodule), ``norm1``, ``norm2``
    (``nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)``). Dropout
    modules have no parameters; no other parameters or buffers.

    Args:
        d_model: the model width.
        num_heads: attention heads; must divide ``d_model``.
        dim_feedforward: the feed-forward hidden size.
        dropout: the dropout probability used in all four places (attention
            weights, after the activation, after each sub-block).
        activation: ``"relu"`` or ``"gelu"`` (exact GELU).
        layer_norm_eps: the ``eps`` of both LayerNorms.
        norm_first: pre-norm when True, post-norm when False.
        bias: biases in all linear maps and LayerNorms (False: none at all).

    Raises:
        ValueError: if ``num_heads`` does not divide ``d_model`` or the
            activation is not ``"relu"`` / ``"gelu"``.
    """

    def __init__(
        self,
        d_model: int,
        num_heads: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
        norm_first: bool = False,
        bias: bool = True,
    ) -> None:
        super().__init__()
        raise NotImplementedError("TODO: check the arguments, create self_attn, linear1, linear2, norm1, norm2 and the dropouts")

    def forward(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``src`` ``(batch, seq, d_model)`` -> the same shape.

        Args:
            src: the input sequences.
            src_mask: optional attention mask (see the module docstring:
                ``(seq, seq)`` or ``(batch * num_heads, seq, seq)``, bool
                ``True`` = may NOT attend, or float added).
            src_key_padding_mask: optional bool ``(batch, seq)``, ``True`` = padding.
        """
        raise NotImplementedError("TODO: post-norm or pre-norm residual sub-blocks")


class Encoder(nn.Module):
    """A stack of encoder layers, equal to ``nn.TransformerEncoder`` with batch-first layers.

    ``forward`` runs the layers in order, each getting the same masks, then
    the final LayerNorm if there is one. Pre-norm stacks usually want the final
    norm (their residual stream is never normalised otherwise).

    Submodules: ``layers``, an ``nn.ModuleList`` of ``num_layers``
    independently initialised :class:`EncoderLayer` (keys
    ``"layers.0.self_attn.in_proj_weight"``, ...), and ``norm``: an
    ``nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)`` when
    ``final_norm`` (keys ``"norm.weight"``, ``"norm.bias"``), otherwise the
    attribute ``norm`` is None and there are no ``norm.*`` keys. This is the
    ``state_dict`` layout of ``nn.TransformerEncoder(layer, num_layers,
    norm=nn.LayerNorm(d_model) or None)``.

    Args:
        d_model, num_heads, dim_feedforward, dropout, activation,
            layer_norm_eps, norm_first, bias: as for :class:`EncoderLayer`.
        num_layers: the number of layers, ``>= 1``.
        final_norm: whether a LayerNorm follows the last layer.

    Raises:
        ValueError: as :class:`EncoderLayer`, or if ``num_layers < 1``.
    """

    def __init__(
        self,
        d_model: int,
        num_heads: int,
        num_layers: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
        norm_first: bool = False,
        bias: bool = True,
        final_norm: bool = False,
    ) -> None:
        super().__init__()
        raise NotImplementedError("TODO: check num_layers, create layers (an nn.ModuleList) and the optional final norm")

    def forward(
        self,
        src: torch.Tensor,
        mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``src`` ``(batch, seq, d_model)`` -> the same shape; masks as in
        :meth:`EncoderLayer.forward` (``mask`` is the ``src_mask`` of every layer)."""
        raise NotImplementedError("TODO: run the layers in order, then the final norm if any")


def encoder_forward(
    x: torch.Tensor,
    params: dict[str, torch.Tensor],
    num_heads: int,
    *,
    norm_first: bool = False,
    activation: str = "relu",
    layer_norm_eps: float = 1e-5,
    mask: torch.Tensor | None = None,
    src_key_padding_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """The encoder as a function of its weights, in eval mode (no dropout): the timed kernel.

    Equal to an :class:`Encoder` (or ``nn.TransformerEncoder``) in eval mode
    whose ``state_dict`` is ``params``, applied to ``x``. Everything about the
    architecture that ``params`` determines is read from it:

    * ``num_layers`` = the number of distinct ``i`` in the keys
      ``"layers.{i}...."`` (numbered ``0 .. num_layers-1`` and applied in
      numeric order: ``layers.10`` comes after ``layers.9``);
    * ``d_model`` = ``x.shape[-1]``; ``dim_feedforward`` = the number of rows
      of ``"layers.0.linear1.weight"``;
    * ``bias`` = whether ``"layers.0.linear1.bias"`` is present;
    * a final LayerNorm is applied exactly when ``"norm.weight"`` is present.

    Args:
        x: ``(batch, seq, d_model)``, float32 or float64 (the dtype of the
            params).
        params: the ``state_dict`` of the encoder (the keys listed in
            :class:`Encoder`, all tensors); not modified.
        num_heads: attention heads of every layer.
        norm_first, activation, layer_norm_eps: as for :class:`EncoderLayer`.
        mask, src_key_padding_mask: as in :meth:`Encoder.forward`.

    Returns:
        ``(batch, seq, d_model)`` in the dtype of ``x``.

    Hint: you need not write the layer a second time. One way is to build an
    :class:`Encoder` on the ``meta`` device (``with torch.device("meta"):``,
    which allocates nothing) and run it with
    ``torch.func.functional_call(module, params, args, kwargs)``. Building
    modules costs Python time; caching the meta module per configuration
    (``functools.lru_cache``) keeps that out of the timed loop.
    """
    raise NotImplementedError("TODO: the encoder in eval mode with the weights in params")


