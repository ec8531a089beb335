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

import functools

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
    lengths = torch.as_tensor(lengths, dtype=torch.long).reshape(-1)
    if max_len is None:
        max_len = int(lengths.max()) if lengths.numel() else 0
    if bool((lengths < 0).any()) or bool((lengths > max_len).any()):
        raise ValueError(f"lengths must be in [0, max_len={max_len}]")
    return torch.arange(max_len) >= lengths[:, None]


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
    if max_len < 0 or d_model < 1:
        raise ValueError(f"need max_len >= 0 and d_model >= 1, got {max_len} and {d_model}")
    position = torch.arange(max_len, dtype=torch.float64)[:, None]
    exponent = torch.arange(0, d_model, 2, dtype=torch.float64) / d_model  # 2i / d_model
    angle = position * base**-exponent  # (max_len, ceil(d_model / 2))
    table = torch.empty(max_len, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return table.to(dtype)


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
        self.d_model = d_model
        self.base = base

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(batch, seq, d_model)`` plus ``PE[:seq]`` (the same for every
        sequence), in the dtype of ``x``."""
        table = sinusoidal_positional_encoding(x.shape[-2], self.d_model, base=self.base, dtype=x.dtype)
        return x + table.to(x.device)


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
        self.max_len = max_len
        self.weight = nn.Parameter(torch.empty(max_len, d_model))
        nn.init.normal_(self.weight, mean=0.0, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(batch, seq, d_model)`` plus ``weight[:seq]``; differentiable with
        respect to ``x`` and ``weight``.

        Raises:
            ValueError: if ``seq > max_len``.
        """
        seq = x.shape[-2]
        if seq > self.max_len:
            raise ValueError(f"sequence length {seq} exceeds max_len {self.max_len}")
        return x + self.weight[:seq]


def _activation(name: str):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


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
        self._act = _activation(activation)
        self.activation = activation
        self.linear1 = nn.Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(..., d_model)`` -> ``(..., d_model)``."""
        return self.linear2(self.dropout(self._act(self.linear1(x))))


def _sdpa_mask(
    attn_mask: torch.Tensor | None,
    key_padding_mask: torch.Tensor | None,
    batch: int,
    num_heads: int,
) -> torch.Tensor | None:
    """Turn torch-convention masks (bool True = forbidden) into one mask for
    ``F.scaled_dot_product_attention`` (bool True = allowed, or float added),
    broadcastable to ``(batch, num_heads, L, S)``."""
    mask = None
    if attn_mask is not None:
        if attn_mask.dim() == 3:  # (batch * num_heads, L, S), batch-major
            attn_mask = attn_mask.view(batch, num_heads, *attn_mask.shape[-2:])
        mask = ~attn_mask if attn_mask.dtype == torch.bool else attn_mask
    if key_padding_mask is not None:
        keep = ~key_padding_mask[:, None, None, :]  # every query and head of a sequence: (B, 1, 1, S)
        if mask is None:
            mask = keep
        elif mask.dtype == torch.bool:
            mask = mask & keep
        else:
            mask = mask.masked_fill(~keep, float("-inf"))
    return mask


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
        if num_heads < 1 or d_model % num_heads:
            raise ValueError(f"num_heads={num_heads} must divide d_model={d_model}")
        self.d_model = d_model
        self.num_heads = num_heads
        self.dropout = float(dropout)
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model)) if bias else None
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.out_proj.bias)

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
        batch, seq, _ = x.shape
        head_dim = self.d_model // self.num_heads
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)  # (B, L, 3d)
        q, k, v = qkv.view(batch, seq, 3, self.num_heads, head_dim).permute(2, 0, 3, 1, 4)  # each (B, H, L, hd)
        out = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=_sdpa_mask(attn_mask, key_padding_mask, batch, self.num_heads),
            dropout_p=self.dropout if self.training else 0.0,
        )
        return self.out_proj(out.transpose(1, 2).reshape(batch, seq, self.d_model))


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
        self._act = _activation(activation)
        self.activation = activation
        self.norm_first = norm_first
        self.self_attn = MultiHeadSelfAttention(d_model, num_heads, dropout=dropout, bias=bias)
        self.linear1 = nn.Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model, bias=bias)
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)

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
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask):
        return self.dropout1(self.self_attn(x, attn_mask=attn_mask, key_padding_mask=key_padding_mask))

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self._act(self.linear1(x)))))


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
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        self.layers = nn.ModuleList(
            EncoderLayer(d_model, num_heads, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias)
            for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias) if final_norm else None

    def forward(
        self,
        src: torch.Tensor,
        mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``src`` ``(batch, seq, d_model)`` -> the same shape; masks as in
        :meth:`EncoderLayer.forward` (``mask`` is the ``src_mask`` of every layer)."""
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask)
        return x if self.norm is None else self.norm(x)


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
    num_layers = len({key.split(".")[1] for key in params if key.startswith("layers.")})
    encoder = _meta_encoder(
        d_model=x.shape[-1],
        num_heads=num_heads,
        num_layers=num_layers,
        dim_feedforward=params["layers.0.linear1.weight"].shape[0],
        activation=activation,
        layer_norm_eps=layer_norm_eps,
        norm_first=norm_first,
        bias="layers.0.linear1.bias" in params,
        final_norm="norm.weight" in params,
    )
    kwargs = {"mask": mask, "src_key_padding_mask": src_key_padding_mask}
    return torch.func.functional_call(encoder, params, (x,), kwargs, strict=True)


@functools.lru_cache(maxsize=16)
def _meta_encoder(**config) -> Encoder:
    """An eval-mode, dropout-free Encoder whose parameters live on the meta
    device (shapes only, no memory), cached because building one costs about
    as much Python time as a tenth of a forward pass."""
    with torch.device("meta"):
        return Encoder(dropout=0.0, **config).eval()
