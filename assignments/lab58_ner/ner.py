"""Lab 58: named entity recognition.

Rule-based NER (gazetteers and token regexes resolved the way spaCy's
EntityRuler resolves overlaps), the BIO and BILOU tag schemes and their
conversions, span-level precision / recall / F1 (what seqeval computes), and
a trained tagger: an averaged structured perceptron with Viterbi decoding.

Conventions used everywhere in this module:

* a sentence is a list of tokens (``str``); its tags are a list of ``str`` of
  the same length;
* a span is a tuple ``(label, start, end)`` of token indices with ``end``
  EXCLUSIVE (Python slice convention: ``tokens[start:end]``), ``label`` a
  non-empty ``str``; functions returning spans return them sorted by
  ``start``;
* BIO (IOB2) tags are ``"O"``, ``"B-<label>"`` and ``"I-<label>"``; BILOU
  tags add ``"L-<label>"`` (last token) and ``"U-<label>"`` (a single-token
  entity). The label is everything after the first ``"-"`` (``"B-GPE-LOC"``
  has the label ``"GPE-LOC"``); a tag with any other prefix, any other
  separator than ``"-"`` (``"B+PER"``) or an empty label is malformed;
* sentences and corpora may be of any length (thousands of tokens or of
  sentences);
* the options after a bare ``*`` in a signature are keyword-only (passing
  them by position raises TypeError); option strings (``scheme``,
  ``average``) are compared by value, whatever ``str`` object holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

Span = tuple[str, int, int]


def read_conll(path: str) -> tuple[list[list[str]], list[list[str]]]:
    """Read a CoNLL-style NER file.

    One token per line: whitespace-separated columns, the word in the FIRST
    column and its tag in the LAST (two columns ``word tag`` and the four of
    CoNLL-2003 ``word POS chunk tag`` both work). A blank line (or a line of
    spaces) ends a sentence; a line whose first column is ``-DOCSTART-``
    starts a new document and also ends the current sentence, and is not a
    token. Several blank lines in a row, a file starting with blank lines and
    a last sentence without a blank line after it are all fine: no empty
    sentence is ever returned. The file is UTF-8. Tags are returned as they
    are written (no scheme conversion, no validation).

    Args:
        path: the file to read.

    Returns:
        ``(sentences, tags)``: two lists of the same length, ``sentences[k]``
        the tokens of the k-th sentence and ``tags[k]`` their tags.

    Raises:
        ValueError: a non-blank line with fewer than two columns (the message
            names its line number, counted from 1).
    """
    raise NotImplementedError("TODO: implement read_conll")


def bio_to_spans(tags: Sequence[str], *, strict: bool = False) -> list[Span]:
    """The entity spans of one sentence's BIO tags.

    ``B-X`` starts an entity of label X; ``I-X`` right after a ``B-X`` or an
    ``I-X`` continues it. Two adjacent entities of the same label
    (``B-PER B-PER``) are TWO spans. What happens to an ``I-X`` that does not
    continue an entity of label X (after ``O``, at the start, after a ``B-Y``
    or ``I-Y`` with Y != X) depends on ``strict``:

    * ``strict=False`` (the conlleval / seqeval default reading): it starts a
      new entity of label X, as if it were ``B-X`` (so IOB1 files, where
      entities start with ``I-``, read correctly);
    * ``strict=True`` (seqeval ``mode="strict"``, ``scheme=IOB2``): it
      belongs to no entity, and neither do the ``I-X`` that follow it.

    Args:
        tags: the tags of one sentence (a list or tuple of str; may be empty).
        strict: the reading of an ``I-`` tag that continues nothing.

    Returns:
        The spans ``(label, start, end)``, ``end`` exclusive, sorted by start.

    Raises:
        ValueError: a malformed tag (``"E-PER"``, ``"U-PER"``, ``"B-"``,
            ``"PER"``, ``"o"``, ...).
    """
    raise NotImplementedError("TODO: implement bio_to_spans")


def bilou_to_spans(tags: Sequence[str]) -> list[Span]:
    """The entity spans of one sentence's BILOU tags (seqeval's strict BILOU reading).

    An entity is either ``U-X`` alone, or ``B-X`` followed by zero or more
    ``I-X`` and then one ``L-X`` (all of the same label X, contiguous).
    Tags are read left to right; any tag that does not fit (a ``B-X`` run
    that never reaches its ``L-X``, a stray ``I-X`` or ``L-X``, a label that
    changes inside a run) belongs to no entity: a broken run is dropped and
    reading resumes at the tag that broke it (so ``B-X I-X U-Y`` gives the
    single span of ``U-Y``).

    Args:
        tags: the tags of one sentence (may be empty).

    Returns:
        The spans ``(label, start, end)``, ``end`` exclusive, sorted by start.

    Raises:
        ValueError: a malformed tag (``"E-PER"``, ``"S-PER"``, ``"U-"``, ...).
    """
    raise NotImplementedError("TODO: implement bilou_to_spans")


def spans_to_tags(spans: Iterable[Span], length: int, *, scheme: str = "BIO") -> list[str]:
    """Tags of a sentence of ``length`` tokens holding the given entity spans.

    BIO: ``B-X`` on the first token of each span, ``I-X`` on the others.
    BILOU: ``U-X`` for a one-token span, else ``B-X``, ``I-X`` ..., ``L-X``.
    Every other token is ``"O"``. The spans may come in any order.

    Args:
        spans: ``(label, start, end)`` tuples (or lists), ``end`` exclusive.
        length: the number of tokens (>= 0).
        scheme: ``"BIO"`` or ``"BILOU"``.

    Returns:
        A list of ``length`` tags.

    Raises:
        ValueError: an unknown scheme; a negative length; a span with an
            empty or non-str label, ``start >= end``, ``start < 0`` or
            ``end > length``; two spans sharing a token.
    """
    raise NotImplementedError("TODO: implement spans_to_tags")


def bio_to_bilou(tags: Sequence[str]) -> list[str]:
    """BIO tags to BILOU tags with the same entities.

    The entities are those ``bio_to_spans(tags)`` reads (the default,
    non-strict reading: an ``I-X`` that continues nothing starts an entity).

    Raises:
        ValueError: a malformed BIO tag.
    """
    raise NotImplementedError("TODO: implement bio_to_bilou")


def bilou_to_bio(tags: Sequence[str]) -> list[str]:
    """BILOU tags to BIO tags with the same entities.

    The entities are those ``bilou_to_spans(tags)`` reads: tags of a broken
    run become ``"O"``.

    Raises:
        ValueError: a malformed BILOU tag.
    """
    raise NotImplementedError("TODO: implement bilou_to_bio")


def span_prf(
    y_true: Sequence[Sequence[str]],
    y_pred: Sequence[Sequence[str]],
    *,
    scheme: str = "BIO",
    strict: bool = False,
    average: str | None = "micro",
) -> tuple[float, float, float] | dict[str, tuple[float, float, float]]:
    """Entity-level precision, recall and F1 (what seqeval computes).

    A predicted entity is correct when a true entity of the same sentence has
    the same label, start and end. Entities are read with
    ``bio_to_spans(tags, strict=strict)`` for ``scheme="BIO"`` (seqeval's
    default mode when ``strict`` is False, ``mode="strict", scheme=IOB2``
    when True) and with ``bilou_to_spans`` for ``scheme="BILOU"`` (seqeval
    ``mode="strict", scheme=BILOU``; ``strict`` is then ignored). The labels
    are those of the true and of the predicted entities, in sorted order.
    Per label: ``p = tp / n_pred``, ``r = tp / n_true``,
    ``f = 2 tp / (n_pred + n_true)``; a ratio with a zero denominator is 0.

    Averages:
        * ``"micro"``: pool tp, n_pred and n_true over the labels, then divide;
        * ``"macro"``: the plain mean of the per-label p, r and f;
        * ``"weighted"``: their mean weighted by n_true (a label only
          predicted has weight 0);
        * ``None``: no average, a dict ``{label: (p, r, f)}``.
        With no entity at all (in either input) every average is
        ``(0.0, 0.0, 0.0)`` and ``None`` gives ``{}``.

    Args:
        y_true: the true tags, a list of sentences (each a list of tags).
        y_pred: the predicted tags, same number of sentences, each of the
            same length as its true sentence.
        scheme: ``"BIO"`` or ``"BILOU"``.
        strict: the reading of BIO tags (see above).
        average: ``"micro"``, ``"macro"``, ``"weighted"`` or ``None``.

    Returns:
        ``(precision, recall, f1)`` as Python floats, or the per-label dict.

    Raises:
        ValueError: no sentences; different numbers of sentences; a sentence
            whose two tag lists differ in length; an unknown scheme or
            average; a malformed tag.
    """
    raise NotImplementedError("TODO: implement span_prf")


def rule_entities(
    tokens: Sequence[str],
    *,
    gazetteer: Mapping[str, Iterable[str]] | None = None,
    patterns: Sequence[tuple[str, Sequence[str]]] | None = None,
    lowercase: bool = False,
) -> list[Span]:
    """Rule-based entities: gazetteer phrases and token regexes, overlaps resolved like spaCy's EntityRuler.

    Matches:
        * ``gazetteer`` maps a label to its phrases; a phrase is a str split
          on whitespace into tokens (``"New  York"`` is the tokens
          ``["New", "York"]``) and matches wherever the same tokens occur in
          ``tokens`` (every occurrence, overlapping ones included). With
          ``lowercase=True`` a phrase token and a sentence token match when
          their ``str.lower()`` are equal (spaCy's ``phrase_matcher_attr =
          "LOWER"``); otherwise they must be equal.
        * ``patterns`` is a list of ``(label, regexes)``: the pattern matches
          ``len(regexes)`` consecutive tokens when each regex matches the
          WHOLE of its token (``re.fullmatch``, case as written, whatever
          ``lowercase`` says), at every position where it does.

    Overlaps (the EntityRuler rule): gather every match from both sources,
    drop duplicates, and visit them longest first; among equally long ones,
    the one that starts first; among matches of the same tokens with
    different labels, the label that sorts first. A match is kept when none
    of its tokens belongs to a match kept before; the others are dropped.

    Args:
        tokens: the sentence (may be empty).
        gazetteer: ``{label: phrases}`` or None.
        patterns: ``[(label, [regex, ...]), ...]`` or None.
        lowercase: compare gazetteer phrases case-insensitively.

    Returns:
        The kept spans ``(label, start, end)``, ``end`` exclusive, sorted by start.

    Raises:
        ValueError: an empty label, an empty phrase (no tokens), or a
            pattern with no regexes.
    """
    raise NotImplementedError("TODO: implement rule_entities")


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray | None = None) -> list[int]:
    """The highest-scoring tag sequence of a linear-chain model.

    The score of tags ``y_0 .. y_{n-1}`` is
    ``start[y_0] + sum_i emissions[i, y_i] + sum_{i>=1} transitions[y_{i-1}, y_i]``.
    Scores may be ``-inf`` (a forbidden start or transition) and of any
    magnitude. When several sequences share the best score any of them is
    accepted.

    Args:
        emissions: shape ``(n, K)``, float (numpy array or nested lists), n >= 0.
        transitions: shape ``(K, K)``, ``transitions[a, b]`` scores tag a followed by tag b.
        start: shape ``(K,)``, or None for zeros.

    Returns:
        ``n`` ints in ``range(K)`` (``[]`` when n == 0).

    Raises:
        ValueError: shapes that do not fit (emissions not 2-D, K == 0,
            transitions not ``(K, K)``, start not ``(K,)``), or every
            sequence scoring ``-inf``.
    """
    raise NotImplementedError("TODO: implement viterbi")


def bio_transition_mask(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which starts and transitions keep a BIO sequence valid under the strict reading.

    ``I-X`` may only follow ``B-X`` or ``I-X`` and may not start a sentence;
    everything else is allowed (``O`` and ``B-Y`` anywhere, ``B-X`` after
    ``B-X``).

    Args:
        labels: the K tags of a tagger, in its order (e.g. ``["O", "B-PER", "I-PER"]``).

    Returns:
        ``(start_ok, trans_ok)``: bool numpy arrays of shapes ``(K,)`` and
        ``(K, K)``; ``trans_ok[a, b]`` says whether ``labels[b]`` may follow
        ``labels[a]``.

    Raises:
        ValueError: a malformed BIO tag.
    """
    raise NotImplementedError("TODO: implement bio_transition_mask")


class PerceptronNER:
    """A structured perceptron tagger over BIO tags, decoded with Viterbi.

    What is required (and tested):

    * ``fit`` then ``predict`` tags sentences with names never seen in
      training well: the hidden tests train ``PerceptronNER()`` (the
      defaults) on the course's ``train.conll`` and require a span F1 of at
      least 0.65 and 0.75 on held-out sentences whose names are all new;
    * predictions are always valid BIO (no ``I-X`` that continues nothing),
      so their strict and default readings agree, and use only ``"O"`` and
      the tags seen in the training tags;
    * the same data, ``epochs`` and ``seed`` give the same predictions, and
      a second ``fit`` forgets the first;
    * training on a few hundred sentences takes seconds, not minutes.

    The recipe (ours; the features and details are yours): score a tag
    sequence as ``start[y_0] + sum_i w[y_i] . phi(tokens, i) + sum_i
    transitions[y_{i-1}, y_i]`` with a feature function ``phi`` of your
    choice (the word, its shape, affixes, neighbours, ...); for ``epochs``
    passes over the sentences in an order shuffled at every epoch by
    ``random.Random(seed)``, decode each sentence with the current weights
    and, when the decoded tags differ from the true ones, add the features
    of the true sequence and subtract those of the decoded one (emissions,
    transitions and starts); keep the AVERAGE of the weights over every step,
    which generalises better than the last weights. Decode (in ``fit`` and
    ``predict``) with the starts and transitions that ``bio_transition_mask``
    forbids set to ``-inf``.
    """

    def __init__(self, epochs: int = 10, seed: int = 0) -> None:
        """Store the settings; nothing is learned yet.

        Args:
            epochs: passes over the training data (>= 1).
            seed: seeds the shuffling; the same data and seed give the same model.

        Raises:
            ValueError: ``epochs < 1``.
        """
        raise NotImplementedError("TODO: implement __init__")

    def fit(self, sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> PerceptronNER:
        """Train from scratch (a second ``fit`` forgets the first) and return ``self``.

        Args:
            sentences: lists of tokens; a sentence may be empty (it teaches
                nothing).
            tags: their BIO tags (IOB2), one list per sentence, same lengths.

        Raises:
            ValueError: no sentences, different numbers of sentences and tag
                lists, a sentence and its tags of different lengths, a
                malformed BIO tag.
        """
        raise NotImplementedError("TODO: implement fit")

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags for each sentence (``[]`` for an empty sentence; ``[]`` for no sentences).

        Raises:
            RuntimeError: called before ``fit``.
        """
        raise NotImplementedError("TODO: implement predict")
