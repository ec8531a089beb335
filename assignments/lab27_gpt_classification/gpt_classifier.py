"""Lab 27: a GPT-2 sequence classifier, read from the last real token.

The pipeline, end to end:

1. **Data.** :func:`read_imdb` reads reviews stored in the folder layout of
   the Stanford Large Movie Review Dataset (``aclImdb``, extracted):
   ``<root>/<split>/<neg|pos>/<id>_<rating>.txt``.
2. **Batches.** :func:`pad_batch` pads token-id lists on the right or on the
   left and builds the attention mask.
3. **Model.** A decoder reads left to right, so only its LAST real token
   has seen the whole text: :class:`GPTClassifier` puts a linear head on
   the hidden state of that token (:func:`last_token_index`), found from the
   attention mask, never from the token ids. Position ids are numbered over
   the real tokens only (:func:`position_ids_from_mask`), so a left-padded
   and a right-padded batch give the same logits.
   :meth:`GPTClassifier.freeze` freezes everything but the last blocks and
   the head.
4. **Training and evaluation.** :func:`train_classifier` fine-tunes with
   AdamW in a seeded, reproducible order; :func:`evaluate` reports loss,
   accuracy and predictions.

Conventions
-----------
* Labels: ``0`` = negative (folder ``neg``), ``1`` = positive (folder
  ``pos``) (:data:`LABEL_NAMES`).
* Token ids, attention masks and labels are ``torch.long`` tensors; an
  attention mask is 1 at real tokens and 0 at padding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from transformers import GPT2Config, GPT2Model

#: The class names, in label order: "neg" is label 0, "pos" is label 1.
LABEL_NAMES = ("neg", "pos")

#: The splits of the dataset.
SPLITS = ("train", "test")

#: The two padding sides of :func:`pad_batch`.
PADDING_SIDES = ("right", "left")

_REVIEW_NAME = re.compile(r"(\d+)_(\d+)\.txt")


# ---- 1. data -----------------------------------------------------------------------------------------------


def parse_review_filename(name: str) -> tuple[int, int]:
    """The ``(id, rating)`` encoded in a review's file name ``<id>_<rating>.txt``.

    ``name`` may be a path with ``/`` separators (``"aclImdb/train/pos/12_9.txt"``):
    only its last component counts. The id is a non-negative integer of any
    size (leading zeros allowed, ``"007_3.txt"`` -> ``(7, 3)``), the rating an
    integer from 1 to 10: ``"12_9.txt"`` -> ``(12, 9)``: the id comes FIRST.

    Raises:
        ValueError: if the last component is not exactly ``<digits>_<digits>.txt``
            (``"12_9.TXT"``, ``"12-9.txt"``, ``"urls_pos.txt"``, ``"_9.txt"``,
            ``"12_9.txt.bak"``) or the rating is outside 1..10.
    """
    raise NotImplementedError("TODO: parse_review_filename")


def clean_review(text: str) -> str:
    """A review's text as the model sees it.

    Every ``"<br />"`` (exactly this string: the line breaks of the original
    HTML) becomes one space, then leading and trailing whitespace is removed
    (``str.strip()``). Nothing else changes: ``"<br/>"``, ``"<BR />"``, inner
    runs of spaces and the case of the letters stay as they are.
    """
    raise NotImplementedError("TODO: clean_review")


def read_imdb(root: str, split: str) -> tuple[list[str], list[int], list[int]]:
    """Read the labelled reviews of one split from an extracted aclImdb folder.

    ``root`` is the folder that holds ``train/`` and ``test/`` (the
    ``aclImdb`` folder of ``aclImdb_v1.tar.gz``). The reviews of ``split``
    are the regular files directly inside ``<root>/<split>/neg`` and
    ``<root>/<split>/pos`` whose names :func:`parse_review_filename` accepts.
    Everything else is skipped: ``<split>/unsup/`` (unlabelled reviews),
    ``urls_*.txt``, ``labeledBow.feat``, sub-folders and other names. A
    missing ``neg`` or ``pos`` folder counts as empty.

    * ``texts``: each file read as UTF-8 and passed through :func:`clean_review`.
    * ``labels``: 0 for a review in ``neg``, 1 for ``pos``: the label comes
      from the folder, never from the rating.
    * ``ratings``: the rating in the file name (the number AFTER the
      underscore), an int in 1..10.
    * Order: all ``neg`` reviews, then all ``pos`` reviews; within a folder
      by increasing numeric id (``2_3.txt`` before ``10_1.txt``), whatever
      order the file system lists them in.

    Returns:
        ``(texts, labels, ratings)``, three lists of the same length.

    Raises:
        ValueError: if ``split`` is not ``"train"`` or ``"test"``.
        FileNotFoundError: if ``<root>/<split>`` is not a folder.
    """
    raise NotImplementedError("TODO: read_imdb")


# ---- 2. batches ----------------------------------------------------------------------------------------------


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int, *, side: str = "right") -> dict[str, torch.Tensor]:
    """Pad token-id lists to the length of the longest one.

    Each row is the sequence followed (``side="right"``) or preceded
    (``side="left"``) by as many ``pad_id`` as it takes to reach the longest
    length; the attention mask is 1 at the sequence's own tokens and 0 at the
    added ones. ``pad_id`` may also occur inside the sequences (GPT-2 has no
    pad token, and the end-of-text id is often used for padding): those
    occurrences are real tokens, with mask 1.

    Returns:
        ``{"input_ids": ..., "attention_mask": ...}``, two ``torch.long``
        tensors of shape ``(len(sequences), longest)``.

    Raises:
        ValueError: if ``sequences`` is empty, one of them is empty, or
            ``side`` is not ``"right"`` or ``"left"``.
    """
    raise NotImplementedError("TODO: pad_batch")


def last_token_index(attention_mask: torch.Tensor) -> torch.Tensor:
    """The position of the last real token of each row.

    For each row ``b``, the largest ``t`` with ``attention_mask[b, t] != 0``:
    ``length - 1`` in a right-padded row, ``seq - 1`` in a left-padded one.
    Only the mask counts, never the token ids.

    Args:
        attention_mask: ``(batch, seq)``, 1 / True at real tokens, 0 / False
            at padding; bool, integer or float (0.0 / 1.0) tensors.

    Returns:
        ``(batch,)`` ``torch.long`` tensor.

    Raises:
        ValueError: if some row has no real token.
    """
    raise NotImplementedError("TODO: last_token_index")


def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Position ids that count the real tokens only.

    The real tokens of a row get ``0, 1, 2, ...`` in order, wherever the
    padding is; padded positions get ``0``. So a text has the same position
    ids whether it is padded on the left or on the right:
    ``[[0, 0, 1, 1, 1]] -> [[0, 0, 0, 1, 2]]``, ``[[1, 1, 1, 0, 0]] -> [[0, 1, 2, 0, 0]]``.
    (``transformers``' ``GPT2Model`` numbers positions ``0 .. seq - 1``
    whatever the mask when it is given no ``position_ids``, so a left-padded
    text would be read at shifted positions.)

    Args:
        attention_mask: ``(batch, seq)``, 1 / True at real tokens, 0 / False
            at padding; bool, integer or float (0.0 / 1.0) tensors.

    Returns:
        ``(batch, seq)`` ``torch.long`` tensor.
    """
    raise NotImplementedError("TODO: position_ids_from_mask")


# ---- 3. model ---------------------------------------------------------------------------------------------------


class GPTClassifier(nn.Module):
    """A sequence classifier on a ``transformers.GPT2Model``.

    Args:
        config: keyword arguments of ``transformers.GPT2Config`` (a plain
            dict, e.g. ``{"vocab_size": 100, "n_positions": 32, "n_embd": 32,
            "n_layer": 2, "n_head": 2}``). Its ``pad_token_id``, if any, is
            not used: padding is known from the attention mask only.
        num_labels: the number of classes (>= 2).

    Attributes (the tests read them; the ``state_dict`` keys and shapes equal
    those of ``transformers.GPT2ForSequenceClassification`` for the same
    config):

    * ``transformer``: ``GPT2Model(GPT2Config(**config))``;
    * ``score``: ``nn.Linear(n_embd, num_labels, bias=False)``, the head.

    Initial weights are whatever these modules start with (the tests load
    their own).

    Raises:
        ValueError: if ``num_labels < 2``.
    """

    def __init__(self, config: dict, num_labels: int = 2) -> None:
        super().__init__()
        raise NotImplementedError("TODO: GPTClassifier.__init__ (build transformer and score)")

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Logits ``(batch, num_labels)`` for ``(batch, seq)`` ``input_ids``.

        ``attention_mask`` (``(batch, seq)``, 1 = real token, 0 = padding;
        None = all ones) may put the padding on the right, on the left, or
        both. The transformer gets the mask and
        ``position_ids=position_ids_from_mask(attention_mask)``; the head
        ``score`` is applied to the final hidden state (after ``ln_f``) at
        :func:`last_token_index` of each row. Hence the logits of a text do
        not depend on the side or amount of its padding, nor on the ids at
        padded positions, and a pad id that equals a real token's id (e.g.
        end-of-text used for padding) changes nothing. On a right-padded
        batch whose real tokens never equal ``pad_token_id`` they equal
        ``GPT2ForSequenceClassification``'s logits.
        """
        raise NotImplementedError("TODO: GPTClassifier.forward")

    def freeze(self, num_trainable_blocks: int = 1, *, final_norm: bool = True) -> list[str]:
        """Freeze everything but the last ``num_trainable_blocks`` blocks and the head.

        First every parameter is made trainable again (so a second call
        replaces the first, it does not add to it); then ``requires_grad`` is
        set to False on: the token and position embeddings
        (``transformer.wte``, ``transformer.wpe``), the blocks
        ``transformer.h[0]`` ... ``transformer.h[n_layer - num_trainable_blocks - 1]``
        (all but the LAST ``num_trainable_blocks``), and the final layer norm
        ``transformer.ln_f`` unless ``final_norm`` is true. The head
        ``score`` always stays trainable. ``num_trainable_blocks=0`` trains
        the head only (and ``ln_f`` if asked); ``n_layer`` trains every block.

        A frozen parameter gets no gradient, so :func:`train_classifier`
        leaves it bit-for-bit unchanged.

        Returns:
            The names (as in ``named_parameters()``, in that order) of the
            frozen parameters.

        Raises:
            ValueError: if ``num_trainable_blocks`` is outside ``0..n_layer``.
        """
        raise NotImplementedError("TODO: GPTClassifier.freeze")


# ---- 4. training and evaluation ------------------------------------------------------------------------------------


def train_classifier(
    model: GPTClassifier,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    labels: torch.Tensor,
    *,
    epochs: int = 1,
    batch_size: int = 8,
    lr: float = 1e-3,
    seed: int = 0,
) -> list[float]:
    """Fine-tune ``model`` in place with cross-entropy; return the loss of every step.

    The procedure, stated exactly so that a run can be reproduced:

    * one optimiser for the whole run, ``torch.optim.AdamW`` over the
      parameters that require a gradient (frozen ones are left out), with
      ``lr=lr`` and the library's other defaults;
    * one ``torch.Generator`` seeded with ``seed``; at the start of each
      epoch ``order = torch.randperm(n, generator=generator)``;
    * the epoch's batches are ``order[0:batch_size]``,
      ``order[batch_size:2 * batch_size]``, ..., the last one possibly
      smaller (it is kept);
    * each step: ``loss = F.cross_entropy(model(ids[b], mask[b]), labels[b])``
      (the mean over the batch), ``zero_grad``, ``backward``, ``step``.

    The model is in training mode during the loop and in eval mode
    afterwards. Frozen parameters (see :meth:`GPTClassifier.freeze`) come
    out bit-for-bit unchanged.

    Args:
        model: the classifier (a ``GPTClassifier``).
        input_ids, attention_mask: ``(n, seq)`` long tensors, padded on either side.
        labels: ``(n,)`` long tensor of classes.
        epochs: passes over the data (0: nothing happens, ``[]`` is returned).
        batch_size: examples per step (>= 1).
        lr: AdamW's learning rate.
        seed: seeds the shuffling generator.

    Returns:
        ``epochs * ceil(n / batch_size)`` Python floats, the loss of each
        step before its update.

    Raises:
        ValueError: if ``epochs < 0``, ``batch_size < 1``, or the inputs
            disagree in their number of rows.
    """
    raise NotImplementedError("TODO: train_classifier")


@torch.no_grad()
def evaluate(
    model: GPTClassifier,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    labels: torch.Tensor,
    *,
    batch_size: int = 32,
) -> dict:
    """Loss, accuracy and predictions of ``model`` on a labelled set, in eval mode.

    The model is put in eval mode (dropout off) and left there; no gradients
    are computed; the examples go through in their order, ``batch_size`` at
    a time (the result does not depend on ``batch_size``).

    Returns:
        A dict with

        * ``"loss"``: the mean cross-entropy over all ``n`` examples (a float;
          the mean over examples, not the mean of per-batch means);
        * ``"accuracy"``: the share of examples whose prediction equals the
          label (a float in [0, 1]);
        * ``"predictions"``: a list of ``n`` ints, the argmax of each row's
          logits (the lowest class on ties).

    Raises:
        ValueError: if there are no examples, ``batch_size < 1``, or the
            inputs disagree in their number of rows.
    """
    raise NotImplementedError("TODO: evaluate")
