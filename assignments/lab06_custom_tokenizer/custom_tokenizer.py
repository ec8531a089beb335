"""Lab 06: building a tokenizer with Hugging Face Tokenizers.

A Hugging Face ``tokenizers.Tokenizer`` is a pipeline of five stages:

1. a **normalizer** cleans the text (Unicode normal form, case, accents);
2. a **pre-tokenizer** splits it into words (on whitespace, punctuation,
   bytes, ...), each remembering where it came from;
3. a **model** (BPE, WordPiece or Unigram) splits each word into subword
   tokens from a vocabulary learned by a **trainer**;
4. a **post-processor** adds special tokens (``[CLS] ... [SEP]``) and
   segment ids (``token_type_ids``);
5. a **decoder** turns tokens back into text.

Through all of it the library keeps an alignment between the normalized
text and the original, so every token carries ``offsets``: the span
``text[start:end]`` of the ORIGINAL text it came from.

In this lab you assemble such pipelines from named recipes, train them on a
corpus, save and reload them (``tokenizer.json``), encode with padding and
truncation the way ``transformers`` does, and wrap the result as a
``transformers.PreTrainedTokenizerFast``.

Conventions used throughout
---------------------------
* The special tokens are :data:`SPECIAL_TOKENS`, in that order, and every
  trained tokenizer has them at ids 0..4: ``[PAD]=0, [UNK]=1, [CLS]=2,
  [SEP]=3, [MASK]=4``.
* Functions take and return plain data (strings, lists, dicts, paths) or a
  ``tokenizers.Tokenizer`` / ``PreTrainedTokenizerFast`` object; results
  that describe an encoding are plain lists and dicts, never ``Encoding``
  objects.
* An unknown recipe name (normalizer, pre-tokenizer or model) raises
  ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers  # noqa: F401
from transformers import PreTrainedTokenizerFast  # noqa: F401

#: The special tokens, in id order: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4.
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_TOKEN, UNK_TOKEN, CLS_TOKEN, SEP_TOKEN, MASK_TOKEN = SPECIAL_TOKENS

#: The prefix WordPiece puts on a token that continues a word ("play", "##ing").
CONTINUING_SUBWORD_PREFIX = "##"

#: The character Metaspace uses to stand for a space ("▁", U+2581).
METASPACE_REPLACEMENT = "\u2581"

#: The recipe names accepted by the functions below.
NORMALIZERS = ("cased", "uncased", "bert")
PRE_TOKENIZERS = ("whitespace", "bert", "byte_level", "metaspace")
MODELS = ("bpe", "wordpiece", "unigram")

#: Accepted values of ``encode_batch``'s ``padding`` and ``truncation``.
PADDING_STRATEGIES = ("longest", "max_length", "do_not_pad")
TRUNCATION_STRATEGIES = ("longest_first", "only_first", "only_second", "do_not_truncate")


# ---- 1. components -------------------------------------------------------------------------------------


def build_normalizer(name: str) -> normalizers.Normalizer:
    """The normalizer of the recipe ``name``.

    * ``"cased"``: ``NFKC()`` only. Compatibility characters are folded
      (full-width ``"Ｆ"`` -> ``"F"``, the ligature ``"ﬁ"`` -> ``"fi"``,
      ``"…"`` -> ``"..."``), case and accents are kept.
    * ``"uncased"``: ``Sequence([NFKD(), Lowercase(), StripAccents()])``.
      NFKD folds compatibility characters *and* decomposes accented letters
      into letter + combining mark (``"é"`` -> ``"e"`` + U+0301), so that
      ``StripAccents`` (which deletes combining marks, and nothing else) can
      remove them: ``"Café ÉCOLE"`` -> ``"cafe ecole"``. (``StripAccents``
      after NFC/NFKC does nothing to ``"é"``: it is one code point.)
    * ``"bert"``: ``BertNormalizer(clean_text=True, handle_chinese_chars=True,
      strip_accents=True, lowercase=True)``, the normalizer of
      ``bert-base-uncased``: control characters are deleted, every
      whitespace character becomes a space, a space is put on both sides of
      each CJK ideograph, accents are stripped and text lower-cased. It does
      NOT fold compatibility characters (``"ﬁ"`` stays).

    Raises ``ValueError`` for any other name.
    """
    raise NotImplementedError("TODO: implement build_normalizer")


def build_pre_tokenizer(name: str) -> pre_tokenizers.PreTokenizer:
    """The pre-tokenizer of the recipe ``name``.

    * ``"whitespace"``: ``Whitespace()``, the regex ``\\w+|[^\\w\\s]+``: runs
      of word characters, and runs of other non-space characters
      (``"don't!!"`` -> ``"don", "'", "t", "!!"``).
    * ``"bert"``: ``BertPreTokenizer()``: split on whitespace, and every
      punctuation character is a piece of its own (``"!!"`` -> ``"!", "!"``).
    * ``"byte_level"``: ``ByteLevel(add_prefix_space=False, use_regex=True)``,
      GPT-2's: the GPT-2 regex split, then every byte of the UTF-8 text is
      shown as one printable character (a space is ``"Ġ"``, so a word keeps
      the space in front of it: ``" world"`` -> ``"Ġworld"``).
    * ``"metaspace"``: ``Metaspace(replacement="▁", prepend_scheme="always",
      split=True)``, SentencePiece's: every space becomes ``"▁"``, a ``"▁"``
      is put in front of the text, and the text is split before each ``"▁"``.

    Raises ``ValueError`` for any other name.
    """
    raise NotImplementedError("TODO: implement build_pre_tokenizer")


def normalize(text: str, normalizer: str) -> str:
    """``text`` after the normalizer of the recipe ``normalizer`` (see :func:`build_normalizer`)."""
    raise NotImplementedError("TODO: implement normalize")


def pre_tokenize(text: str, pre_tokenizer: str) -> list[tuple[str, tuple[int, int]]]:
    """The pieces the pre-tokenizer of the recipe ``pre_tokenizer`` cuts ``text`` into.

    A list of ``(piece, (start, end))`` in order, exactly what the
    pre-tokenizer's ``pre_tokenize_str`` returns: ``(start, end)`` are
    character offsets into ``text`` (no normalizer runs here). Text
    without pieces gives ``[]``.
    """
    raise NotImplementedError("TODO: implement pre_tokenize")


def build_decoder(model: str, pre_tokenizer: str) -> decoders.Decoder | None:
    """The decoder that undoes the pre-tokenizer / model's marks on tokens.

    In this order of precedence:

    * pre-tokenizer ``"byte_level"``: ``decoders.ByteLevel()`` (bytes back to text);
    * pre-tokenizer ``"metaspace"``: ``decoders.Metaspace(replacement="▁",
      prepend_scheme="always", split=True)`` ("▁" back to spaces);
    * model ``"wordpiece"``: ``decoders.WordPiece(prefix="##", cleanup=True)``
      (glue ``"##"`` pieces to the token before them, join words with spaces);
    * anything else: ``None`` (no decoder: tokens are joined with spaces).

    Raises ``ValueError`` for an unknown model or pre-tokenizer name.
    """
    raise NotImplementedError("TODO: implement build_decoder")


# ---- 2. models and training ----------------------------------------------------------------------------


def build_tokenizer(model: str = "wordpiece", normalizer: str = "uncased", pre_tokenizer: str = "bert") -> Tokenizer:
    """An untrained ``Tokenizer``: model, normalizer, pre-tokenizer and decoder wired together.

    The model (with an empty vocabulary) is

    * ``"bpe"``: ``models.BPE(unk_token="[UNK]")``;
    * ``"wordpiece"``: ``models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##")``;
    * ``"unigram"``: ``models.Unigram()``.

    The normalizer is :func:`build_normalizer` ``(normalizer)``, the
    pre-tokenizer :func:`build_pre_tokenizer` ``(pre_tokenizer)``, the decoder
    :func:`build_decoder` ``(model, pre_tokenizer)`` (left unset when that
    is ``None``). No post-processor yet. Raises ``ValueError`` for an
    unknown name.
    """
    raise NotImplementedError("TODO: implement build_tokenizer")


def add_bert_post_processor(tokenizer: Tokenizer) -> Tokenizer:
    """Give ``tokenizer`` the BERT post-processor and return it (the same object).

    A ``processors.TemplateProcessing`` with

    * ``single = "[CLS] $A [SEP]"``: all type id 0;
    * ``pair = "[CLS] $A [SEP] $B:1 [SEP]:1"``: the first segment and its
      special tokens have type id 0, the second segment and the final
      ``[SEP]`` type id 1;
    * ``special_tokens = [("[CLS]", id), ("[SEP]", id)]`` with the ids the
      tokenizer's vocabulary gives them (``token_to_id``).

    Raises ``ValueError`` if ``[CLS]`` or ``[SEP]`` is not in the vocabulary.
    """
    raise NotImplementedError("TODO: implement add_bert_post_processor")


def train_tokenizer(
    lines: Sequence[str],
    vocab_size: int,
    *,
    model: str = "wordpiece",
    normalizer: str = "uncased",
    pre_tokenizer: str = "bert",
    min_frequency: int = 2,
) -> Tokenizer:
    """Build, train and finish a tokenizer on the corpus ``lines``.

    Steps: :func:`build_tokenizer` ``(model, normalizer, pre_tokenizer)``;
    train it on ``lines`` (each string one document, e.g. with
    ``train_from_iterator``) with the trainer below; then
    :func:`add_bert_post_processor`. The trainer, with the special tokens
    first so that they get ids 0..4:

    * ``"bpe"``: ``BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
      special_tokens=list(SPECIAL_TOKENS), initial_alphabet=alphabet,
      show_progress=False)`` where ``alphabet`` is
      ``pre_tokenizers.ByteLevel.alphabet()`` (all 256 byte characters, so
      that every byte is in the vocabulary even if the corpus lacks it) for
      the ``"byte_level"`` pre-tokenizer and ``[]`` otherwise;
    * ``"wordpiece"``: ``WordPieceTrainer(vocab_size=vocab_size,
      min_frequency=min_frequency, special_tokens=list(SPECIAL_TOKENS),
      continuing_subword_prefix="##", show_progress=False)``;
    * ``"unigram"``: ``UnigramTrainer(vocab_size=vocab_size,
      special_tokens=list(SPECIAL_TOKENS), unk_token="[UNK]",
      show_progress=False)`` (Unigram has no ``min_frequency``: it is ignored).

    All other trainer settings keep the library's defaults. ``vocab_size``
    counts everything, special tokens included: when the corpus is rich
    enough the result has exactly ``vocab_size`` entries
    (``get_vocab_size()``); a small corpus may give fewer. (The trainers
    always keep the alphabet: a ``vocab_size`` smaller than the special
    tokens plus the corpus's distinct characters, or the 256 bytes of
    byte-level BPE, gives BPE and WordPiece that many entries anyway, and
    makes the Unigram trainer fail.)
    The special tokens are ``[PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4``.

    Raises ``ValueError`` if ``lines`` is empty, if ``vocab_size <=
    len(SPECIAL_TOKENS)``, or for an unknown name.
    """
    raise NotImplementedError("TODO: implement train_tokenizer")


# ---- 3. files --------------------------------------------------------------------------------------------


def save_tokenizer(tokenizer: Tokenizer, path: str) -> None:
    """Write ``tokenizer`` as a ``tokenizer.json`` file at ``path`` (the library's JSON format)."""
    raise NotImplementedError("TODO: implement save_tokenizer")


def load_tokenizer(path: str) -> Tokenizer:
    """Read back a tokenizer written by :func:`save_tokenizer` (or any ``tokenizer.json``)."""
    raise NotImplementedError("TODO: implement load_tokenizer")


# ---- 4. encoding and decoding ------------------------------------------------------------------------------


def encode(tokenizer: Tokenizer, text: str, pair: str | None = None, *, add_special_tokens: bool = True) -> dict:
    """Encode ``text`` (and the second segment ``pair``, if given) as plain data.

    A dict with these keys, each a list with one entry per token:

    * ``"ids"``, ``"tokens"``: the token ids and token strings;
    * ``"type_ids"``: the segment of each token (0, or 1 for the ``pair``
      segment, per the post-processor);
    * ``"offsets"``: ``(start, end)`` tuples, character offsets into the
      ORIGINAL string the token came from (``text``, or ``pair`` for tokens
      of the second segment), ``(0, 0)`` for added special tokens. They are
      NOT offsets into the normalized text: with the ``"uncased"``
      normalizer the token ``"cafe"`` of ``"Ｃafé"`` has the span of
      ``"Ｃafé"``, and normalizing ``text[start:end]`` gives the token
      (without a ``"##"`` prefix). Several tokens share a span when they
      come from one original character that normalization expands
      (``"…"`` -> ``"..."``);
    * ``"special_tokens_mask"``: 1 for tokens added by the post-processor, else 0;
    * ``"attention_mask"``: 1 for every token (there is no padding here);
    * ``"word_ids"``: the index of the pre-tokenizer piece each token came
      from, ``None`` for special tokens.

    With ``add_special_tokens=False`` the post-processor's tokens are left
    out (and all type ids are 0).
    """
    raise NotImplementedError("TODO: implement encode")


def decode(tokenizer: Tokenizer, ids: Sequence[int], *, skip_special_tokens: bool = True) -> str:
    """Turn ``ids`` back into text with the tokenizer's decoder.

    Special tokens are dropped when ``skip_special_tokens`` is true. What
    comes back is the *normalized* text, put together by the decoder: with
    ``"byte_level"`` it is exactly the (NFKC-normal) original; with the
    WordPiece decoder words are joined by spaces and ``"##"`` pieces glued
    on (``"re", "##play"`` -> ``"replay"``).
    """
    raise NotImplementedError("TODO: implement decode")


def trace_pipeline(tokenizer: Tokenizer, text: str) -> dict:
    """What each stage of the pipeline makes of ``text``, as a dict.

    * ``"normalized"``: the text after the tokenizer's normalizer (``text``
      itself if it has none);
    * ``"pre_tokens"``: the tokenizer's pre-tokenizer applied to the
      *normalized* text: ``(piece, (start, end))`` as in :func:`pre_tokenize`,
      with offsets into the normalized text (``[(normalized, (0, len))]``
      if it has no pre-tokenizer);
    * ``"tokens"``: the model's tokens for ``text``, without special tokens;
    * ``"spans"``: for each of those tokens, ``text[start:end]`` (its
      offsets), i.e. the piece of the ORIGINAL text it came from.
    """
    raise NotImplementedError("TODO: implement trace_pipeline")


def encode_batch(
    tokenizer: Tokenizer,
    texts: Sequence[str],
    pairs: Sequence[str] | None = None,
    *,
    padding: str = "longest",
    truncation: str = "do_not_truncate",
    max_length: int | None = None,
    stride: int = 0,
    padding_side: str = "right",
    pad_to_multiple_of: int | None = None,
    return_overflowing_tokens: bool = False,
) -> dict[str, list]:
    """Encode a batch with padding and truncation, exactly as ``transformers`` does.

    The result equals what a ``PreTrainedTokenizerFast`` wrapping the same
    tokenizer (with ``pad_token="[PAD]"``) returns from
    ``fast(texts, pairs, padding=padding, truncation=truncation,
    max_length=max_length, stride=stride, padding_side=padding_side,
    pad_to_multiple_of=pad_to_multiple_of,
    return_overflowing_tokens=return_overflowing_tokens,
    return_token_type_ids=True, return_attention_mask=True,
    return_special_tokens_mask=True, return_offsets_mapping=True)``:
    a dict with the keys ``"input_ids"``, ``"token_type_ids"``,
    ``"attention_mask"``, ``"special_tokens_mask"``, ``"offset_mapping"``
    (lists with one list per row; offsets are ``(start, end)`` tuples), plus
    ``"overflow_to_sample_mapping"`` when ``return_overflowing_tokens``.

    * ``truncation``: ``"longest_first"`` removes tokens one at a time from
      the longer segment until the row fits ``max_length``;
      ``"only_first"`` / ``"only_second"`` cut only that segment;
      ``"do_not_truncate"`` keeps everything. Special tokens are never cut:
      they count towards ``max_length``, and truncation happens *before*
      the post-processor adds them. Only the end of a segment is cut.
    * ``padding``: ``"longest"`` pads every row to the longest row of the
      batch, ``"max_length"`` to ``max_length``, in both cases rounded up to
      a multiple of ``pad_to_multiple_of`` (a positive int) if that is given;
      ``"do_not_pad"`` leaves the rows as they are (and ignores
      ``pad_to_multiple_of``). Padding uses ``[PAD]`` (id 0), type id 0,
      attention mask 0, special-tokens mask 1 and offsets ``(0, 0)``, on the
      ``padding_side`` (``"right"`` or ``"left"``) of the row.
    * ``return_overflowing_tokens`` with a ``stride``: the tokens cut off by
      truncation are not dropped but returned as extra rows, each repeating
      the last ``stride`` tokens of the row before it; the rows of one
      input come together, in order, and ``"overflow_to_sample_mapping"``
      gives for each row the index of the input it came from.

    Settings the library cannot honour (a segment too short to be cut to
    ``max_length``, ``"only_second"`` without pairs, a ``stride`` that is
    not smaller than the room left for text) make the library raise; they
    are not tested.

    ``tokenizer`` itself is not changed: its own padding and truncation
    settings (normally none) are the same afterwards, so a later
    :func:`encode` is neither padded nor truncated.

    Raises ``ValueError`` for an unknown ``padding``, ``truncation`` or
    ``padding_side``; if ``max_length`` is None while ``padding`` is
    ``"max_length"`` or ``truncation`` is not ``"do_not_truncate"``; if
    both padding and truncation are on and ``max_length`` is not a multiple
    of ``pad_to_multiple_of`` (as ``transformers`` does); or if ``pairs`` is
    given and its length differs from ``texts``'.
    """
    raise NotImplementedError("TODO: implement encode_batch")


# ---- 5. transformers ---------------------------------------------------------------------------------------


def wrap_as_fast(tokenizer: Tokenizer, *, model_max_length: int = 512) -> PreTrainedTokenizerFast:
    """``tokenizer`` as a ``transformers.PreTrainedTokenizerFast``.

    Built with ``tokenizer_object=tokenizer`` (transformers keeps its own
    copy), ``model_max_length=model_max_length``, ``padding_side="right"``,
    ``truncation_side="right"``, and the special tokens set by role:
    ``unk_token="[UNK]"``, ``pad_token="[PAD]"``, ``cls_token="[CLS]"``,
    ``sep_token="[SEP]"``, ``mask_token="[MASK]"`` (so ``pad_token_id == 0``,
    ``mask_token_id == 4``, ... and padding works). Calling it then pads,
    truncates (to ``model_max_length`` when ``truncation=True`` and no
    ``max_length`` is given) and returns attention masks and
    ``token_type_ids`` like any ``transformers`` tokenizer, and
    ``save_pretrained`` / ``from_pretrained`` keep the special tokens.
    """
    raise NotImplementedError("TODO: implement wrap_as_fast")
