"""Lab 02: text statistics.

Counting is the first thing we do with a corpus: how many characters, words,
sentences and documents it holds, which words are frequent, how varied the
vocabulary is (type-token ratio), how long sentences are, and how closely the
word frequencies follow Zipf's law.

Every function here is defined precisely by its docstring; read them first.
The building blocks are :func:`words`, :func:`split_sentences` and
:func:`split_documents`; the statistics are built on top of them.
"""

from __future__ import annotations

import re
from collections import Counter  # noqa: F401  (you may use it)
from collections.abc import Mapping, Sequence

import numpy as np  # noqa: F401  (you may use numpy)

#: A word: one or more letters/digits, optionally joined to more letters/digits
#: by single internal apostrophes (' or ’) or hyphens. ``[^\W_]`` is "a word
#: character except the underscore", i.e. a Unicode letter or digit.
WORD_PATTERN = r"[^\W_]+(?:['’-][^\W_]+)*"

#: Tokens that end with a period but do not end a sentence (compare lower-cased).
ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "jr.", "st.", "vs.", "e.g.", "i.e.", "cf.", "fig.", "approx."}
)

#: Characters that end a sentence ("…" is the one-character ellipsis).
SENTENCE_TERMINATORS = ".!?…"

#: Closing quotes and brackets that stay with the sentence they follow.
CLOSING_PUNCTUATION = "\"')]”’"

#: Opening quotes and brackets stripped from a token before the abbreviation lookup.
OPENING_PUNCTUATION = "\"'([“‘"


# ---- units: characters, words, sentences, documents ---------------------------------------------------


def count_characters(text: str, *, include_whitespace: bool = True) -> int:
    """Number of characters (Unicode code points) in ``text``.

    Characters are code points, exactly what ``len`` counts: no Unicode
    normalisation, so ``"e\\u0301"`` (e + combining accent) counts 2.
    With ``include_whitespace=False``, characters for which ``str.isspace()``
    is true (spaces, tabs, newlines, ...) are not counted.
    """
    raise NotImplementedError("TODO: implement count_characters")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, in order of appearance.

    A word is a non-overlapping, leftmost-longest match of :data:`WORD_PATTERN`
    (``re.findall(WORD_PATTERN, text)``): one or more letters or digits
    (characters ``c`` for which ``c.isalnum()`` is true, in any script:
    ``é``, ``λ``, ``я``, ``日``, ``٣``; the underscore is *not* one),
    optionally followed by more groups of one joiner -- apostrophe ``'``,
    right single quote ``’`` or hyphen ``-`` -- and one or more letters or
    digits. Each word is found first and then lower-cased with
    ``str.lower()`` (not ``str.casefold()``: ``"Straße"`` -> ``["straße"]``);
    joiners are kept as they are.

    Examples: ``"Don't"`` -> ``["don't"]``; ``"well-known"`` -> ``["well-known"]``;
    ``"'quoted'"`` -> ``["quoted"]``; ``"a--b"`` -> ``["a", "b"]``;
    ``"snake_case"`` -> ``["snake", "case"]``; ``"3.14"`` -> ``["3", "14"]``;
    ``"Café"`` -> ``["café"]``. Text without words gives ``[]``.
    """
    raise NotImplementedError("TODO: implement words")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, each stripped of surrounding whitespace.

    A *candidate* sentence end is a run of one or more terminators
    (:data:`SENTENCE_TERMINATORS`: ``. ! ? …``), followed by zero or more
    closing characters (:data:`CLOSING_PUNCTUATION`: quotes, ``)``, ``]``),
    followed by whitespace or the end of the text. The sentence ends after the
    closing characters. A candidate is *not* a sentence end when

    1. the run is a single ``.`` and the token that ends with it is an
       abbreviation: the token is the text from the previous whitespace (or
       the start of the text) up to and including the period, with all
       leading :data:`OPENING_PUNCTUATION` characters removed
       (``str.lstrip``), lower-cased, and found in :data:`ABBREVIATIONS`
       (``"Dr."``, ``"(e.g."``, ``"(“Mr."`` and ``"DR."`` all are; ``"Dr!"``
       and ``"Dr..."`` are not, their run is not a single ``.``); or
    2. the next non-whitespace character after it is a lower-case letter
       (``str.islower()``, any script: ``é``, ``λ``), e.g.
       ``'"Stop!" he said.'`` or ``"I was... tired."``.

    Consequences: a period inside a token (``3.14``, ``example.com``) never
    ends a sentence; ``"..."`` and ``"…"`` end one unless rule 2 applies;
    ``'He said "Stop." Then he left.'`` gives ``['He said "Stop."',
    'Then he left.']``; line breaks are ordinary whitespace (kept inside a
    sentence). Text after the last sentence end is a final sentence if it is
    not blank. Blank text gives ``[]``.
    """
    raise NotImplementedError("TODO: implement split_sentences")


def split_documents(text: str) -> list[str]:
    """Split ``text`` into documents separated by one or more blank lines.

    Lines are those of ``text.splitlines()`` (so ``\\n``, ``\\r\\n``, ... all
    work); a line is blank when ``line.strip() == ""``. Each document is a
    maximal group of consecutive non-blank lines, joined with ``"\\n"``; the
    lines themselves are not changed. Leading and trailing blank lines are
    ignored, and blank text gives ``[]``.
    """
    raise NotImplementedError("TODO: implement split_documents")


# ---- word statistics -----------------------------------------------------------------------------------


def word_frequencies(text: str) -> dict[str, int]:
    """How often each word of :func:`words` occurs: ``{word: count}``.

    Only words that occur are keys (all counts are >= 1); text without words
    gives ``{}``. A ``collections.Counter`` is fine (it is a dict).
    """
    raise NotImplementedError("TODO: implement word_frequencies")


def top_k(frequencies: Mapping[str, int], k: int) -> list[tuple[str, int]]:
    """The ``k`` most frequent entries of ``frequencies`` as ``(word, count)`` tuples.

    Order: count descending, ties broken by word ascending (plain ``str``
    comparison), i.e. ``sorted(items, key=lambda wc: (-wc[1], wc[0]))[:k]``;
    so the result never depends on the order of the mapping. Every entry
    takes part, whatever its count. If ``k`` exceeds the number of entries,
    all entries are returned; ``k == 0`` gives ``[]``; ``k < 0`` raises
    ``ValueError``.
    """
    raise NotImplementedError("TODO: implement top_k")


def type_token_ratio(text: str) -> float:
    """Distinct words divided by total words, using the lower-cased :func:`words`.

    ``"The cat saw the Cat."`` has 5 tokens and 3 types: 0.6. Raises
    ``ValueError`` if ``text`` has no words (the ratio is undefined).
    """
    raise NotImplementedError("TODO: implement type_token_ratio")


# ---- distributions -------------------------------------------------------------------------------------


def sentence_lengths(text: str) -> list[int]:
    """Length in words of each sentence: ``[len(words(s)) for s in split_sentences(text)]``.

    A sentence without words (e.g. ``"..."`` standing alone) has length 0.
    """
    raise NotImplementedError("TODO: implement sentence_lengths")


def summarize_lengths(lengths: Sequence[float]) -> dict[str, float]:
    """Summary of a distribution of lengths, as a dict with exactly these keys.

    ``"count"`` (int): number of values; ``"min"``, ``"max"``, ``"mean"``,
    ``"median"``, ``"p10"``, ``"p90"`` (floats): the smallest and largest
    value, the arithmetic mean, and the 50th, 10th and 90th percentiles as
    ``numpy.percentile`` computes them with its default ``method="linear"``
    (the value at position ``(n - 1) * p / 100`` of the sorted data,
    interpolating linearly between neighbours). Raises ``ValueError`` for an
    empty sequence.
    """
    raise NotImplementedError("TODO: implement summarize_lengths")


def zipf_slope(frequencies: Mapping[str, float], max_rank: int | None = None) -> float:
    """Slope of the least-squares line through the log-log rank/frequency plot.

    Take the counts greater than 0 (zeros are ignored; a negative count raises
    ``ValueError``), sort them in descending order and give them ranks
    1, 2, ..., n (how ties are ordered does not matter: equal counts give the
    same points). With ``max_rank``, keep only ranks ``1..max_rank``. Fit
    ``log(count) = a + b * log(rank)`` by ordinary least squares (what
    ``numpy.polyfit(log_ranks, log_counts, 1)`` does) and return ``b`` as a
    float. ``b`` is negative for decreasing counts (close to -1 for text that
    follows Zipf's law); the base of the logarithm does not change it.

    Raises ``ValueError`` if ``max_rank`` is given and smaller than 2, or if
    fewer than 2 positive counts are left to fit.
    """
    raise NotImplementedError("TODO: implement zipf_slope")


# ---- everything at once --------------------------------------------------------------------------------


def text_stats(text: str) -> dict[str, float]:
    """A summary of ``text`` as a dict with exactly these keys.

    ``"characters"``: :func:`count_characters` (whitespace included);
    ``"words"``: number of :func:`words`; ``"types"``: number of distinct words;
    ``"sentences"``: number of :func:`split_sentences`; ``"documents"``: number
    of :func:`split_documents`; ``"type_token_ratio"``: :func:`type_token_ratio`;
    ``"mean_sentence_length"``: the mean of :func:`sentence_lengths`.
    Counts are ints, the two ratios floats. Raises ``ValueError`` if ``text``
    has no words.
    """
    raise NotImplementedError("TODO: implement text_stats")
