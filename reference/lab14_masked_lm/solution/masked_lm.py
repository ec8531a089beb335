"""Lab 14: masked language modelling (BERT's pre-training objective).

BERT learns by filling in blanks. For every batch, a random 15 % of the
ordinary tokens are *selected*; the model sees a corrupted input in which
most selected tokens are hidden behind ``[MASK]`` and must predict the
original token at every selected position. You implement the three pieces:

1. ``mask_tokens``: BERT's corruption procedure (selection, 80/10/10
   replacement, labels with ``-100`` where nothing is predicted);
2. ``MaskedLM``: a tiny encoder whose prediction head shares ("ties") its
   output matrix with the input token embedding;
3. ``mlm_loss`` and ``train_mlm``: the loss and a training loop.

The masking procedure, stated exactly
-------------------------------------
Given ``input_ids`` and the set of *special* ids:

* A position is **maskable** unless its token id is special (``[CLS]``,
  ``[SEP]``, ``[PAD]``, ``[MASK]``, ``[UNK]``, ... every id in
  ``special_ids``, plus ``mask_id`` and ``pad_id`` themselves), or it is
  padding (``attention_mask == 0`` there, or its id equals ``pad_id``).
* **Selection**: every maskable position is selected independently with
  probability ``mlm_probability`` (a Bernoulli draw per position, as in
  BERT and in transformers' ``DataCollatorForLanguageModeling``). The number
  of selected tokens is therefore random; it is NOT fixed to
  ``round(0.15 * n)``. Non-maskable positions are never selected.
* **Replacement** of each selected position, independently: with
  probability ``mask_replace_prob`` (0.8) its id becomes ``mask_id``; with
  probability ``random_replace_prob`` (0.1) it becomes a random id drawn
  uniformly from the *non-special vocabulary*
  ``{0, ..., vocab_size - 1} \\ special`` (so a random replacement is never
  ``[MASK]``, ``[PAD]``, ``[CLS]``, ... but it may, by chance, equal the
  original token); otherwise (0.1) it keeps its original id.
  (transformers draws random tokens from the whole vocabulary, specials
  included; this lab does not.)
* **Labels**: the original id at every selected position (whatever its
  replacement), ``-100`` (``IGNORE_INDEX``) at every other position.
  Unselected positions keep their input id.

Randomness comes only from a ``torch.Generator`` seeded with the ``seed``
argument (or torch's global generator when ``seed`` is None), so the same
seed gives the same result. The tests check the procedure statistically
over many draws, never against a particular random-number order.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
import torch.nn.functional as F
from torch import nn

IGNORE_INDEX = -100  # the label of a position that is not predicted (F.cross_entropy's default ignore_index)
MLM_PROBABILITY = 0.15  # share of the maskable tokens that are selected
MASK_REPLACE_PROB = 0.8  # share of the selected tokens replaced by [MASK]
RANDOM_REPLACE_PROB = 0.1  # share of the selected tokens replaced by a random non-special token


def _special_set(special_ids: Iterable[int], mask_id: int | None = None, pad_id: int | None = None) -> set[int]:
    special = {int(i) for i in special_ids}
    special.update(int(i) for i in (mask_id, pad_id) if i is not None)
    return special


def maskable_positions(
    input_ids: torch.Tensor,
    special_ids: Iterable[int],
    attention_mask: torch.Tensor | None = None,
    pad_id: int | None = None,
) -> torch.Tensor:
    """Which positions may be selected for masking.

    Args:
        input_ids: integer tensor of token ids, any shape (usually
            ``(batch, seq)``).
        special_ids: the ids that are never selected (``[CLS]``, ``[SEP]``,
            ``[PAD]``, ``[MASK]``, ...). Any iterable of ints; may be empty.
        attention_mask: optional tensor of the same shape as ``input_ids``
            (bool or integer); positions where it is 0 / False are padding.
        pad_id: optional id of the padding token; positions holding it are
            padding (even where ``attention_mask`` says otherwise).

    Returns:
        A bool tensor shaped like ``input_ids``: True where the id is not in
        ``special_ids``, is not ``pad_id`` and the attention mask (if given)
        is nonzero.

    Raises:
        ValueError: if ``attention_mask`` is given with another shape.
    """
    if attention_mask is not None and attention_mask.shape != input_ids.shape:
        raise ValueError(f"attention_mask has shape {tuple(attention_mask.shape)}, input_ids {tuple(input_ids.shape)}")
    special = torch.tensor(sorted(_special_set(special_ids, pad_id=pad_id)), dtype=input_ids.dtype)
    maskable = ~torch.isin(input_ids, special)
    if attention_mask is not None:
        maskable = torch.logical_and(maskable, attention_mask.bool())
    return maskable


def mask_tokens(
    input_ids: torch.Tensor,
    *,
    mask_id: int,
    vocab_size: int,
    special_ids: Iterable[int],
    attention_mask: torch.Tensor | None = None,
    pad_id: int | None = None,
    mlm_probability: float = MLM_PROBABILITY,
    mask_replace_prob: float = MASK_REPLACE_PROB,
    random_replace_prob: float = RANDOM_REPLACE_PROB,
    seed: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's masking: select, replace 80/10/10, and build the labels.

    The procedure is stated exactly in the module docstring. ``mask_id``
    and ``pad_id`` count as special even if ``special_ids`` omits them.

    Args:
        input_ids: integer tensor of token ids, any shape (usually
            ``(batch, seq)``), every id in ``[0, vocab_size)``.
        mask_id: the id of ``[MASK]``.
        vocab_size: the number of ids; random replacements are drawn
            uniformly from the ids in ``[0, vocab_size)`` that are not
            special.
        special_ids: ids that are never selected and never drawn.
        attention_mask: optional, same shape; 0 / False marks padding.
        pad_id: optional padding id (never selected, never drawn).
        mlm_probability: the probability that a maskable position is
            selected, in ``[0, 1]``.
        mask_replace_prob: the probability that a selected position becomes
            ``mask_id``.
        random_replace_prob: the probability that a selected position gets a
            random non-special id; ``mask_replace_prob + random_replace_prob``
            must be at most 1, the rest is left unchanged.
        seed: seeds a fresh ``torch.Generator`` that makes every random draw;
            None uses torch's global generator. The same seed gives the same
            result.

    Returns:
        ``(masked_input_ids, labels)``: two new ``torch.long`` tensors shaped
        like ``input_ids`` (which is not modified). ``labels`` holds the
        original id at selected positions and ``IGNORE_INDEX`` (-100)
        elsewhere.

    Raises:
        ValueError: if a probability is outside ``[0, 1]``, if
            ``mask_replace_prob + random_replace_prob > 1``, if
            ``attention_mask`` has another shape, or if
            ``random_replace_prob > 0`` while every id is special.
    """
    for name, p in (("mlm_probability", mlm_probability), ("mask_replace_prob", mask_replace_prob), ("random_replace_prob", random_replace_prob)):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {p}")
    if mask_replace_prob + random_replace_prob > 1:
        raise ValueError("mask_replace_prob + random_replace_prob must be at most 1")
    special = _special_set(special_ids, mask_id, pad_id)
    candidates = torch.tensor([i for i in range(vocab_size) if i not in special], dtype=torch.long)
    if random_replace_prob and not len(candidates):
        raise ValueError("every id is special: there is nothing to draw random replacements from")

    input_ids = input_ids.long()
    shape = input_ids.shape
    maskable = maskable_positions(input_ids, special, attention_mask, pad_id)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None

    # Selection: one Bernoulli(mlm_probability) draw per position.
    coins = torch.bernoulli(torch.full(shape, float(mlm_probability)), generator=generator)
    selected = torch.logical_and(maskable, coins.bool())
    labels = torch.where(selected, input_ids, IGNORE_INDEX)

    # Replacement: one categorical draw per position among [MASK] (0), a random id (1), unchanged (2).
    split = torch.tensor([mask_replace_prob, random_replace_prob, 1 - mask_replace_prob - random_replace_prob]).clamp(min=0)
    kind = torch.multinomial(split, input_ids.numel(), replacement=True, generator=generator).view(shape)
    random_ids = candidates[torch.randint(len(candidates), shape, generator=generator)] if len(candidates) else input_ids
    options = torch.stack([torch.full_like(input_ids, mask_id), random_ids, input_ids])
    replaced = options.gather(0, kind[None]).squeeze(0)
    return torch.where(selected, replaced, input_ids), labels


class MLMHead(nn.Module):
    """BERT's prediction head with a tied decoder.

    ``forward(hidden) = decoder(transform(hidden))`` where

    * ``transform(h) = LayerNorm(GELU(dense(h)))`` (``dense`` an
      ``nn.Linear(d_model, d_model)``, the exact erf GELU, ``nn.LayerNorm(d_model)``),
    * ``decoder`` is an ``nn.Linear(d_model, vocab_size)`` with a bias whose
      ``weight`` IS the given embedding's ``weight`` (the same ``nn.Parameter``
      object, not a copy), so ``logits = transform(h) @ E.T + decoder.bias``.

    Args:
        embedding: the input token embedding ``nn.Embedding(vocab_size, d_model)``
            whose weight matrix ``E`` the decoder shares.

    Attributes (the tests read them): ``dense``, ``norm``, ``decoder``.
    """

    def __init__(self, embedding: nn.Embedding) -> None:
        super().__init__()
        vocab_size, d_model = embedding.weight.shape
        self.dense = nn.Linear(d_model, d_model)
        self.norm = nn.LayerNorm(d_model)
        self.decoder = nn.Linear(d_model, vocab_size)
        self.decoder.weight = embedding.weight  # tie: one Parameter, two users
        nn.init.zeros_(self.decoder.bias)

    def transform(self, hidden: torch.Tensor) -> torch.Tensor:
        """``LayerNorm(GELU(dense(hidden)))``, shape ``(..., d_model)``."""
        return self.norm(F.gelu(self.dense(hidden)))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """Logits ``(..., vocab_size)``: ``transform(hidden) @ E.T + decoder.bias``."""
        return self.decoder(self.transform(hidden))


class MaskedLM(nn.Module):
    """A tiny BERT-style encoder with a tied MLM head.

    Layout (attribute names are part of the contract, the tests use them):

    * ``token_embedding``: ``nn.Embedding(vocab_size, d_model)`` (no
      ``padding_idx``) with PyTorch's default N(0, 1) initialisation (do
      not shrink it to BERT's std 0.02: behind the head's LayerNorm, tiny
      tied weights give tiny logits and training crawls);
    * ``position_embedding``: ``nn.Embedding(max_len, d_model)``, learned;
    * ``encoder``: any stack of ``num_layers`` bidirectional self-attention
      layers (e.g. ``nn.TransformerEncoder`` with ``batch_first=True``)
      that ignores padded keys;
    * ``head``: ``MLMHead(self.token_embedding)``.

    ``encode(ids) = encoder(token_embedding(ids) + position_embedding(positions))``
    and ``forward(ids) = head(encode(ids))``. Dropout is ``dropout``
    (default 0, so results are deterministic).

    The token embedding and the decoder share one Parameter: ``parameters()``
    lists it once, ``state_dict()`` has it under both
    ``token_embedding.weight`` and ``head.decoder.weight``, and its gradient
    sums the contributions of the input lookup and of the output layer.
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        d_model: int = 32,
        num_heads: int = 2,
        num_layers: int = 2,
        dim_feedforward: int = 64,
        max_len: int = 64,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, num_heads, dim_feedforward, dropout, activation="gelu", batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers, norm=nn.LayerNorm(d_model), enable_nested_tensor=False)
        self.head = MLMHead(self.token_embedding)

    def weights_tied(self) -> bool:
        """True when ``head.decoder.weight`` is the very Parameter ``token_embedding.weight``."""
        return self.head.decoder.weight is self.token_embedding.weight

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Final hidden states ``(batch, seq, d_model)`` for ``(batch, seq)`` ids.

        ``attention_mask`` (optional, same shape, 0 / False = padding): padded
        positions are never attended to (their own outputs are unspecified).
        Raises ValueError if ``seq > max_len``.
        """
        _, seq = input_ids.shape
        if seq > self.position_embedding.num_embeddings:
            raise ValueError(f"sequence length {seq} exceeds max_len {self.position_embedding.num_embeddings}")
        positions = torch.arange(seq, device=input_ids.device)
        x = self.token_embedding(input_ids) + self.position_embedding(positions)
        padding = None if attention_mask is None else ~attention_mask.bool()
        return self.encoder(x, src_key_padding_mask=padding)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Logits ``(batch, seq, vocab_size)``: ``head(encode(input_ids, attention_mask))``."""
        return self.head(self.encode(input_ids, attention_mask))


def mlm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the positions whose label is not ``IGNORE_INDEX``.

    Args:
        logits: ``(..., vocab_size)`` float tensor.
        labels: integer tensor of shape ``logits.shape[:-1]``; ``-100`` marks
            positions that are not predicted.

    Returns:
        A scalar tensor (the dtype of ``logits``) that back-propagates into
        ``logits``. With no labelled position at all the loss is ``0.0``
        (not NaN), still connected to ``logits``.
    """
    flat_logits, flat_labels = logits.reshape(-1, logits.shape[-1]), labels.reshape(-1).long()
    if not (flat_labels != IGNORE_INDEX).any():
        return flat_logits.sum() * 0.0
    return F.cross_entropy(flat_logits, flat_labels, ignore_index=IGNORE_INDEX)


def train_mlm(
    model: MaskedLM,
    input_ids: torch.Tensor,
    *,
    mask_id: int,
    special_ids: Iterable[int],
    attention_mask: torch.Tensor | None = None,
    pad_id: int | None = None,
    steps: int = 100,
    batch_size: int = 16,
    lr: float = 3e-3,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` in place with the MLM objective; return the loss of every step.

    Each step: draw ``batch_size`` rows of ``input_ids`` (``(N, seq)``) at
    random (with a generator seeded from ``seed``), corrupt them with
    ``mask_tokens`` (default probabilities, a fresh seed derived from
    ``seed`` and the step, ``vocab_size`` from the model's token embedding),
    compute ``mlm_loss(model(masked, mask), labels)``, and take one
    ``torch.optim.AdamW(model.parameters(), lr=lr)`` step. The model is in
    training mode during the loop and left in eval mode afterwards.

    Returns:
        ``steps`` Python floats, the loss before each update. On a small
        regular corpus the loss must fall well below its starting value.
    """
    special = list(special_ids)
    vocab_size = model.token_embedding.num_embeddings
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    losses = []
    for step in range(steps):
        rows = torch.randint(len(input_ids), (batch_size,), generator=generator)
        batch = input_ids[rows]
        batch_mask = None if attention_mask is None else attention_mask[rows]
        masked, labels = mask_tokens(
            batch,
            mask_id=mask_id,
            vocab_size=vocab_size,
            special_ids=special,
            attention_mask=batch_mask,
            pad_id=pad_id,
            seed=hash((seed, step)),  # a fresh seed for every step
        )
        loss = mlm_loss(model(masked, batch_mask), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses
