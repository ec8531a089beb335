"""Lab 20: fine-tuning a BERT classifier on movie reviews.

The pipeline, end to end:

1. **Data.** :func:`read_imdb` reads reviews stored in the layout of the
   Stanford Large Movie Review Dataset (``aclImdb_v1.tar.gz``), straight
   from the tar archive: ``<split>/<neg|pos>/<id>_<rating>.txt``.
2. **Tokenizer.** :func:`train_wordpiece` trains a BERT-style WordPiece
   tokenizer on the training texts; :func:`wordpiece_tokenize` is the
   WordPiece algorithm itself (greedy longest match first), written by hand;
   :func:`encode_batch` turns texts into padded, truncated id tensors with
   an attention mask.
3. **Model.** :class:`BertClassifier` puts a classification head on a
   ``transformers.BertModel`` built from a (tiny) config, with two ways to
   turn the token vectors into one vector per text (:func:`pool`): the
   ``[CLS]`` vector or the mean over the real (non-padding) tokens. Its
   :meth:`BertClassifier.freeze` freezes the embeddings and the first
   ``k`` encoder layers.
4. **Training and evaluation.** :func:`train_classifier` fine-tunes with
   AdamW in a seeded, reproducible order; :func:`evaluate` reports loss,
   accuracy and predictions.

Conventions
-----------
* Special tokens, in id order: ``[PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3,
  [MASK]=4`` (:data:`SPECIAL_TOKENS`).
* Labels: ``0`` = negative (folder ``neg``), ``1`` = positive (folder
  ``pos``) (:data:`LABEL_NAMES`).
* Token ids, attention masks and labels are ``torch.long`` tensors; an
  attention mask is 1 at real tokens and 0 at padding.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Collection, Mapping, Sequence

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from torch import nn
from transformers import BertConfig, BertModel

#: The special tokens, in id order: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4.
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_TOKEN, UNK_TOKEN, CLS_TOKEN, SEP_TOKEN, MASK_TOKEN = SPECIAL_TOKENS

#: The class names, in label order: "neg" is label 0, "pos" is label 1.
LABEL_NAMES = ("neg", "pos")

#: The splits of the dataset.
SPLITS = ("train", "test")

#: The pooling methods of :func:`pool` and :class:`BertClassifier`.
POOLING_METHODS = ("cls", "mean")

_REVIEW_NAME = re.compile(r"(\d+)_(\d+)\.txt")


# ---- 1. data -----------------------------------------------------------------------------------------------


def parse_review_filename(name: str) -> tuple[int, int]:
    """The ``(id, rating)`` encoded in a review's file name ``<id>_<rating>.txt``.

    ``name`` may be a path with ``/`` separators (``"aclImdb/train/pos/12_9.txt"``):
    only its last component counts. The id is a non-negative integer of
    any size (leading zeros allowed, ``"007_3.txt"`` -> ``(7, 3)``), the rating an
    integer from 1 to 10: ``"12_9.txt"`` -> ``(12, 9)``.

    Raises:
        ValueError: if the last component is not exactly ``<digits>_<digits>.txt``
            (``"12_9.TXT"``, ``"12-9.txt"``, ``"urls_pos.txt"``, ``"_9.txt"``,
            ``"12_9.txt.bak"``) or the rating is outside 1..10.
    """
    base = name.rsplit("/", 1)[-1]
    match = _REVIEW_NAME.fullmatch(base)
    if match is None:
        raise ValueError(f"{base!r} is not a review file name <id>_<rating>.txt")
    review_id, rating = int(match[1]), int(match[2])
    if not 1 <= rating <= 10:
        raise ValueError(f"rating {rating} of {base!r} is outside 1..10")
    return review_id, rating


def read_imdb(archive: str, split: str) -> tuple[list[str], list[int]]:
    """Read the labelled reviews of one split from an aclImdb tar archive.

    ``archive`` is a ``.tar``, ``.tar.gz`` or ``.tgz`` file laid out like
    ``aclImdb_v1.tar.gz``: ``aclImdb/<split>/<neg|pos>/<id>_<rating>.txt``.
    A member is a review of ``split`` when it is a regular file whose path
    (split on ``/``) ends in the three components ``<split>``, ``neg`` or
    ``pos``, and a name :func:`parse_review_filename` accepts; whatever comes
    before them (``aclImdb/``, ``./aclImdb/`` or nothing) does not matter.
    Everything else is skipped: the other split, ``train/unsup/``,
    ``urls_pos.txt``, ``labeledBow.feat``, ``imdb.vocab``, folders, links.

    * ``labels``: 0 for a review in a ``neg`` folder, 1 for ``pos``. The
      label comes from the folder, never from the rating.
    * ``texts``: the file's bytes decoded as UTF-8, with every ``"<br />"``
      (the line breaks of the original HTML) replaced by one space; nothing
      else changes (no stripping, no lower-casing).
    * Order: all ``neg`` reviews, then all ``pos`` reviews; within a folder by
      increasing numeric id (``2_3.txt`` before ``10_1.txt``), whatever the
      order of the members in the archive.

    An archive without reviews of ``split`` gives ``([], [])``. The archive
    is read, never extracted.

    Raises:
        ValueError: if ``split`` is not ``"train"`` or ``"test"``.
        FileNotFoundError: if ``archive`` does not exist.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    rows = []
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) < 3 or parts[-3] != split or parts[-2] not in LABEL_NAMES:
                continue
            try:
                review_id, _ = parse_review_filename(parts[-1])
            except ValueError:
                continue
            text = tar.extractfile(member).read().decode("utf-8").replace("<br />", " ")
            rows.append((LABEL_NAMES.index(parts[-2]), review_id, text))
    rows.sort(key=lambda row: row[:2])
    return [text for _, _, text in rows], [label for label, _, _ in rows]


# ---- 2. tokenizer --------------------------------------------------------------------------------------------


def train_wordpiece(texts: Sequence[str], vocab_size: int, *, min_frequency: int = 2) -> Tokenizer:
    """Train a BERT-style (uncased) WordPiece tokenizer on ``texts``.

    The pipeline of ``bert-base-uncased``:

    * model ``models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##",
      max_input_chars_per_word=100)``;
    * normalizer ``normalizers.BertNormalizer(clean_text=True,
      handle_chinese_chars=True, strip_accents=True, lowercase=True)``;
    * pre-tokenizer ``pre_tokenizers.BertPreTokenizer()``;
    * decoder ``decoders.WordPiece(prefix="##")``;
    * trained with ``trainers.WordPieceTrainer(vocab_size=vocab_size,
      min_frequency=min_frequency, special_tokens=list(SPECIAL_TOKENS),
      continuing_subword_prefix="##", show_progress=False)`` (other settings
      the library's defaults), so that the special tokens get ids 0..4;
    * then the post-processor ``processors.TemplateProcessing(single="[CLS] $A [SEP]",
      pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])``.

    ``vocab_size`` counts every entry, special tokens included; a small
    corpus may give fewer. (The library's trainer breaks ties between equally
    frequent merges in no fixed order, so two runs may differ in a few
    entries: the tests compare vocabularies by overlap, not exactly.)

    Raises:
        ValueError: if ``texts`` is empty or ``vocab_size <= len(SPECIAL_TOKENS)``.
    """
    if len(texts) == 0:
        raise ValueError("cannot train a tokenizer on no texts")
    if vocab_size <= len(SPECIAL_TOKENS):
        raise ValueError(f"vocab_size must exceed {len(SPECIAL_TOKENS)}, got {vocab_size}")
    tokenizer = Tokenizer(models.WordPiece(unk_token=UNK_TOKEN, continuing_subword_prefix="##", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        continuing_subword_prefix="##",
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(texts), trainer=trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{CLS_TOKEN} $A {SEP_TOKEN}",
        pair=f"{CLS_TOKEN} $A {SEP_TOKEN} $B:1 {SEP_TOKEN}:1",
        special_tokens=[(CLS_TOKEN, SPECIAL_TOKENS.index(CLS_TOKEN)), (SEP_TOKEN, SPECIAL_TOKENS.index(SEP_TOKEN))],
    )
    return tokenizer


def load_tokenizer(path: str) -> Tokenizer:
    """Read a tokenizer saved as ``tokenizer.json`` (``Tokenizer.save``, e.g. the one you trained in lab 06)."""
    return Tokenizer.from_file(str(path))


def wordpiece_tokenize(
    word: str,
    vocab: Mapping[str, int] | Collection[str],
    *,
    unk_token: str = "[UNK]",
    max_input_chars_per_word: int = 100,
) -> list[str]:
    """Split one (already normalized, pre-tokenized) word into WordPiece tokens.

    Greedy longest match first, as BERT and ``tokenizers.models.WordPiece``
    do: starting at the first character, take the longest prefix of the
    rest of the word that is in ``vocab``, where every piece but the first
    carries the prefix ``"##"`` (``"playing"`` -> ``["play", "##ing"]``);
    continue after it. If at some position no piece (not even one character)
    is in the vocabulary, the WHOLE word becomes ``[unk_token]`` (not just
    that piece). A word longer than ``max_input_chars_per_word`` characters
    (Unicode characters, not bytes) is ``[unk_token]`` without being
    looked at; a word of exactly that length is split normally. The empty
    word gives ``[]``.

    Args:
        word: the word, any Unicode text without spaces.
        vocab: the vocabulary: a mapping token -> id (only its keys are used)
            or any collection of token strings.
        unk_token: the token returned for a word that cannot be split.
        max_input_chars_per_word: the longest word that is split (>= 0).

    Returns:
        The token strings, e.g. ``["un", "##believ", "##able"]``.
    """
    if len(word) > max_input_chars_per_word:
        return [unk_token]
    tokens = []
    start = 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
        else:
            return [unk_token]
        tokens.append(piece)
        start = end
    return tokens


def encode_batch(tokenizer: Tokenizer, texts: Sequence[str], *, max_length: int = 128) -> dict[str, torch.Tensor]:
    """Encode ``texts`` for the model: ``[CLS] tokens [SEP]``, truncated, padded.

    ``tokenizer`` is a ``tokenizers.Tokenizer`` with the BERT post-processor
    (as :func:`train_wordpiece` returns), whose vocabulary has ``[PAD]``.
    Each text becomes ``[CLS]``, its tokens, ``[SEP]``. A row longer than
    ``max_length`` loses tokens from the END OF THE TEXT, never the special
    tokens: it keeps ``[CLS]``, the first ``max_length - 2`` text tokens and
    ``[SEP]``. Rows are then padded on the right with the id of ``[PAD]`` to
    the length of the longest row of the batch (so the width is at most
    ``max_length``, and less when every row is shorter). The result equals
    ``PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="[PAD]")(texts,
    padding=True, truncation=True, max_length=max_length)``.

    ``tokenizer`` itself is not changed: its own padding and truncation
    settings are the same afterwards (a later ``tokenizer.encode`` is
    neither padded nor truncated).

    Returns:
        ``{"input_ids": ..., "attention_mask": ...}``, two ``torch.long``
        tensors of shape ``(len(texts), width)``; the mask is 1 at ``[CLS]``,
        text tokens and ``[SEP]``, 0 at padding. An empty text gives
        ``[CLS] [SEP]``.

    Raises:
        ValueError: if ``texts`` is empty or ``max_length < 2`` (no room for
            ``[CLS]`` and ``[SEP]``).
    """
    if len(texts) == 0:
        raise ValueError("no texts to encode")
    if max_length < 2:
        raise ValueError(f"max_length must be at least 2 ([CLS] and [SEP]), got {max_length}")
    work = Tokenizer.from_str(tokenizer.to_str())  # a copy: the caller's tokenizer keeps its settings
    work.enable_truncation(max_length)
    work.enable_padding(pad_id=work.token_to_id(PAD_TOKEN), pad_token=PAD_TOKEN)
    encodings = work.encode_batch(list(texts))
    return {
        "input_ids": torch.tensor([e.ids for e in encodings], dtype=torch.long),
        "attention_mask": torch.tensor([e.attention_mask for e in encodings], dtype=torch.long),
    }


# ---- 3. model ---------------------------------------------------------------------------------------------------


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, method: str) -> torch.Tensor:
    """One vector per sequence from the token vectors ``hidden``.

    Args:
        hidden: ``(batch, seq, dim)`` float tensor (any float dtype).
        attention_mask: ``(batch, seq)``, 1 / True at real tokens, 0 / False
            at padding; bool, integer or float (0.0 / 1.0) tensors are all
            accepted.
        method: ``"cls"``: the vector at position 0 (where ``[CLS]`` sits in
            a right-padded batch), whatever the mask; ``"mean"``: the mean
            of the vectors at the real tokens only, ``sum_t m_t h_t / sum_t m_t``:
            padding contributes nothing, however large its vectors. A row
            without any real token gives a zero vector (not NaN).

    Returns:
        ``(batch, dim)`` in the dtype of ``hidden``, differentiable with
        respect to ``hidden``.

    Raises:
        ValueError: for any other ``method``.
    """
    if method == "cls":
        return hidden[:, 0]
    if method == "mean":
        mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
    raise ValueError(f"unknown pooling method {method!r}; expected one of {POOLING_METHODS}")


class BertClassifier(nn.Module):
    """A sequence classifier on a ``transformers.BertModel``.

    Args:
        config: keyword arguments of ``transformers.BertConfig`` (a plain
            dict, e.g. ``{"vocab_size": 100, "hidden_size": 32,
            "num_hidden_layers": 2, "num_attention_heads": 2,
            "intermediate_size": 64}``).
        num_labels: the number of classes (>= 2).
        pooling: ``"cls"`` or ``"mean"`` (see :meth:`forward`).

    Attributes (the tests read them; the ``state_dict`` keys equal those of
    ``transformers.BertForSequenceClassification`` for the same config):

    * ``bert``: ``BertModel(BertConfig(**config))`` with its pooling layer
      (``bert.pooler``: a dense layer + tanh on the ``[CLS]`` vector);
    * ``dropout``: ``nn.Dropout(p)`` with ``p = config["classifier_dropout"]``
      if that is given and not None, else ``hidden_dropout_prob`` (0.1 by default);
    * ``classifier``: ``nn.Linear(hidden_size, num_labels)``;
    * ``pooling``: the pooling method.

    Initial weights are whatever these modules start with (the tests load
    their own).

    Raises:
        ValueError: if ``pooling`` is not ``"cls"`` or ``"mean"``, or
            ``num_labels < 2``.
    """

    def __init__(self, config: dict, num_labels: int = 2, pooling: str = "cls") -> None:
        super().__init__()
        if pooling not in POOLING_METHODS:
            raise ValueError(f"unknown pooling method {pooling!r}; expected one of {POOLING_METHODS}")
        if num_labels < 2:
            raise ValueError(f"num_labels must be at least 2, got {num_labels}")
        bert_config = BertConfig(**config)
        self.pooling = pooling
        self.bert = BertModel(bert_config, add_pooling_layer=True)
        p = bert_config.classifier_dropout
        self.dropout = nn.Dropout(bert_config.hidden_dropout_prob if p is None else p)
        self.classifier = nn.Linear(bert_config.hidden_size, num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Logits ``(batch, num_labels)`` for ``(batch, seq)`` ``input_ids``.

        ``hidden = bert(input_ids, attention_mask).last_hidden_state``; then

        * ``"cls"``: ``pooled = tanh(bert.pooler.dense(pool(hidden, mask, "cls")))``,
          exactly ``BertForSequenceClassification``;
        * ``"mean"``: ``pooled = pool(hidden, mask, "mean")`` (the pooler is
          not used);

        and ``logits = classifier(dropout(pooled))``. ``attention_mask``
        (``(batch, seq)``, 1 = real token, 0 = padding; None = all ones) is
        also given to ``bert``, so padded positions are never attended to:
        the logits of a row do not depend on the ids at its padded positions
        nor on how much padding follows it. Dropout acts in training mode only.
        """
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = pool(hidden, attention_mask, self.pooling)
        if self.pooling == "cls":
            pooled = torch.tanh(self.bert.pooler.dense(pooled))
        return self.classifier(self.dropout(pooled))

    def freeze(self, num_layers: int, *, embeddings: bool = True) -> list[str]:
        """Freeze the embeddings and the first ``num_layers`` encoder layers.

        First every parameter is made trainable again (so a second call
        replaces the first, it does not add to it); then ``requires_grad``
        is set to False on the parameters of ``bert.embeddings`` (when
        ``embeddings`` is true) and of ``bert.encoder.layer[0]`` ...
        ``bert.encoder.layer[num_layers - 1]``, the layers closest to the
        input. The other layers, ``bert.pooler`` and ``classifier`` stay
        trainable. ``num_layers=0`` freezes no layer (only the embeddings,
        if asked); ``num_layers=num_hidden_layers`` freezes every layer.

        A frozen parameter gets no gradient, so :func:`train_classifier`
        leaves it bit-for-bit unchanged.

        Returns:
            The names (as in ``named_parameters()``, in that order) of the
            frozen parameters.

        Raises:
            ValueError: if ``num_layers`` is outside ``0..num_hidden_layers``.
        """
        layers = self.bert.encoder.layer
        if not 0 <= num_layers <= len(layers):
            raise ValueError(f"num_layers must be in 0..{len(layers)}, got {num_layers}")
        for parameter in self.parameters():
            parameter.requires_grad_(True)
        frozen = [*layers[:num_layers]]
        if embeddings:
            frozen.append(self.bert.embeddings)
        for module in frozen:
            module.requires_grad_(False)
        return [name for name, parameter in self.named_parameters() if not parameter.requires_grad]


# ---- 4. training and evaluation ------------------------------------------------------------------------------------


def train_classifier(
    model: BertClassifier,
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

    The model is in training mode during the loop (dropout, if any, is on)
    and in eval mode afterwards. Frozen parameters (see
    :meth:`BertClassifier.freeze`) come out bit-for-bit unchanged.

    Args:
        model: the classifier (a ``BertClassifier``).
        input_ids, attention_mask: ``(n, seq)`` long tensors (as :func:`encode_batch` gives).
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
    n = len(labels)
    if epochs < 0 or batch_size < 1:
        raise ValueError(f"need epochs >= 0 and batch_size >= 1, got {epochs} and {batch_size}")
    if len(input_ids) != n or len(attention_mask) != n:
        raise ValueError("input_ids, attention_mask and labels must have the same number of rows")
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            loss = F.cross_entropy(model(input_ids[batch], attention_mask[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    return losses


@torch.no_grad()
def evaluate(
    model: BertClassifier,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    labels: torch.Tensor,
    *,
    batch_size: int = 32,
) -> dict:
    """Loss, accuracy and predictions of ``model`` on a labelled set, in eval mode.

    The model is put in eval mode (dropout off) and left there, whatever
    mode it was in; no gradients are computed; the examples go through in
    their order, ``batch_size`` at a time (the result does not depend on
    ``batch_size``).

    Returns:
        A dict with

        * ``"loss"``: the mean cross-entropy over all ``n`` examples (a float;
          the mean over examples, not the mean of per-batch means);
        * ``"accuracy"``: the share of examples whose prediction equals
          the label (a float in [0, 1]);
        * ``"predictions"``: a list of ``n`` ints, the argmax of each row's
          logits (the lowest class on ties).

    Raises:
        ValueError: if there are no examples, ``batch_size < 1``, or the
            inputs disagree in their number of rows.
    """
    n = len(labels)
    if n == 0 or batch_size < 1:
        raise ValueError("need at least one example and batch_size >= 1")
    if len(input_ids) != n or len(attention_mask) != n:
        raise ValueError("input_ids, attention_mask and labels must have the same number of rows")
    model.eval()
    logits = torch.cat([model(input_ids[i : i + batch_size], attention_mask[i : i + batch_size]) for i in range(0, n, batch_size)])
    predictions = logits.argmax(dim=-1)
    return {
        "loss": F.cross_entropy(logits, labels).item(),
        "accuracy": (predictions == labels).double().mean().item(),
        "predictions": predictions.tolist(),
    }
