"""Lab 12: properties of word embeddings.

Pretrained word vectors are shipped as plain files. You will read the three
common formats (word2vec text, word2vec binary and GloVe), then probe what
the vectors have learnt: nearest neighbours by cosine similarity, analogies
("man is to king as woman is to ?") with 3CosAdd and 3CosMul, correlation
with human word-similarity judgements (Spearman's rho), and a measure of
social bias, the WEAT effect size with its permutation test.

An embedding is represented throughout by two plain values: ``words``, a
list of n distinct strings, and ``vectors``, a numpy array of shape (n, d)
whose row i is the vector of ``words[i]``. The readers return this pair and
every other function takes it. Vectors are assumed to have non-zero norm.

The conventions follow gensim's ``KeyedVectors`` (``load_word2vec_format``,
``most_similar``, ``most_similar_cosmul``), which the tests compare with.
Use numpy only (no gensim or scipy in your solution). Keep the public names
and signatures below; add private helpers (names starting with ``_``) freely.
"""

from __future__ import annotations

import os

import numpy as np

EPSILON = 1e-6
"""Added to the denominator of 3CosMul (as gensim does) to avoid division by zero."""
ANALOGY_METHODS = ("3cosadd", "3cosmul")
"""The values accepted by ``analogy(method=...)``."""


# ---- reading embedding files ------------------------------------------------------------------------------


def read_word2vec_text(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Read an embedding in the word2vec *text* format.

    The file is UTF-8. Its first line is the header ``"<count> <dim>"``: two
    integers, ``count >= 0`` and ``dim >= 1``. Then come ``count`` lines
    ``word v1 v2 ... vd``:
    fields are separated by whitespace (trailing spaces, as the original C
    tool writes them, are allowed), and blank lines are ignored.

    Returns ``(words, vectors)``: the words in file order, and a
    ``float32`` array of shape ``(count, dim)``. The header is not a word.

    Raises ``ValueError`` if the header is not two such integers (a negative
    number or ``dim = 0`` included), if a line does not have exactly ``dim``
    values, or if the number of vector lines is not ``count``.
    """
    raise NotImplementedError("TODO: implement read_word2vec_text (see the docstring)")


def read_word2vec_binary(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Read an embedding in the word2vec *binary* format.

    The file starts with the same text header line ``"<count> <dim>\\n"``.
    Then, ``count`` times: the word in UTF-8, one space (byte 0x20), and
    ``dim`` float32 values in little-endian byte order (``4 * dim`` bytes).
    Some writers (the original C tool) put a newline after each vector,
    others (gensim) do not: skip any newline bytes before a word. The vector
    bytes can contain any value, including those of a space or a newline, so
    they must be taken by count, never by searching for a separator.

    Returns ``(words, vectors)`` as :func:`read_word2vec_text` does
    (``float32``, shape ``(count, dim)``).

    Raises ``ValueError`` if the header is bad or the file ends before
    ``count`` complete entries.
    """
    raise NotImplementedError("TODO: implement read_word2vec_binary (see the docstring)")


def read_glove(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Read an embedding in the GloVe text format.

    Like the word2vec text format but *without* a header: every non-blank
    line is ``word v1 ... vd`` (UTF-8, whitespace-separated), and the
    dimension d is the number of values on the first line.

    Returns ``(words, vectors)`` (``float32``, shape ``(n, d)``).

    Raises ``ValueError`` if the file has no vectors (no non-blank line, or
    a first line with a word and no values) or if a line has a different
    number of values than the first.
    """
    raise NotImplementedError("TODO: implement read_glove (see the docstring)")


# ---- similarity, neighbours and analogies -----------------------------------------------------------------


def nearest_neighbours(words: list[str], vectors: np.ndarray, word: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` words most cosine-similar to ``word``, best first.

    cos(u, v) = u·v / (|u| |v|). ``word`` itself is never in the result
    (every other word is a candidate). Returns a list of ``(word, cosine)``
    tuples, cosine as a Python float, sorted by decreasing cosine; equal
    cosines are ordered by position in ``words`` (earlier first). If fewer
    than ``k`` other words exist, all of them are returned.
    (``KeyedVectors.most_similar(word, topn=k)`` in gensim.)

    Raises ``KeyError`` if ``word`` is not in ``words`` and ``ValueError``
    if ``k`` is not an integer >= 1.
    """
    raise NotImplementedError("TODO: implement nearest_neighbours (see the docstring)")


def analogy(
    words: list[str], vectors: np.ndarray, a: str, b: str, c: str, k: int = 1, method: str = "3cosadd"
) -> list[tuple[str, float]]:
    """Solve "``a`` is to ``b`` as ``c`` is to ?" (e.g. man : king :: woman : ?).

    Every word x other than ``a``, ``b`` and ``c`` gets a score (the three
    query words are excluded from the answers); the ``k`` best are returned as
    ``(word, score)`` tuples sorted by decreasing score, ties by position in
    ``words``, all remaining candidates if fewer than ``k``. Write â for the
    unit vector of a (a / |a|) and cos(x, y) for the cosine.

    - ``"3cosadd"`` (Mikolov et al. 2013; gensim
      ``most_similar(positive=[b, c], negative=[a])``): the score is
      ``cos(x, t)`` with the target ``t = b̂ - â + ĉ``. This ranks exactly like
      Levy & Goldberg's ``cos(x, b) - cos(x, a) + cos(x, c)``, since it is that
      sum divided by |t|.
    - ``"3cosmul"`` (Levy & Goldberg 2014; gensim ``most_similar_cosmul``):
      with every cosine shifted to [0, 1] by ``s(x, y) = (cos(x, y) + 1) / 2``,
      the score is ``s(x, b) * s(x, c) / (s(x, a) + EPSILON)``.

    Raises ``KeyError`` if a query word is not in ``words``, ``ValueError``
    for an unknown ``method`` (see ``ANALOGY_METHODS``) or a bad ``k``.
    """
    raise NotImplementedError("TODO: implement analogy (see the docstring)")


# ---- word-similarity evaluation ---------------------------------------------------------------------------


def spearman_correlation(x, y) -> float:
    """Spearman's rank correlation of two equally long sequences of numbers.

    Each sequence is replaced by its ranks (1 for the smallest value); tied
    values all get the average of the ranks they span (values 5, 7, 7, 9 get
    ranks 1, 2.5, 2.5, 4). The result is the Pearson correlation of the two
    rank vectors, a Python float in [-1, 1] (``scipy.stats.spearmanr``).
    If either sequence is constant the correlation is undefined: return
    ``nan``.

    Raises ``ValueError`` if the lengths differ or are smaller than 2.
    """
    raise NotImplementedError("TODO: implement spearman_correlation (see the docstring)")


def evaluate_similarity(words: list[str], vectors: np.ndarray, pairs: list[tuple[str, str, float]]) -> dict:
    """Correlate the embedding with human similarity judgements.

    ``pairs`` holds ``(word1, word2, human_score)`` triples (as in WordSim-353
    or SimLex-999). A pair is *used* when both words are in ``words`` (exact,
    case-sensitive match); otherwise it is *skipped* (out of vocabulary) and
    only counted. The model's score of a used pair is the cosine of the two
    vectors.

    Returns ``{"spearman": rho, "pairs_used": int, "pairs_skipped": int}``,
    where ``rho`` is :func:`spearman_correlation` of the model's cosines and
    the human scores over the used pairs, in the order given (``nan`` if fewer
    than 2 pairs are used, or either list is constant).
    """
    raise NotImplementedError("TODO: implement evaluate_similarity (see the docstring)")


# ---- WEAT --------------------------------------------------------------------------------------------------


def weat(
    words: list[str],
    vectors: np.ndarray,
    X: list[str],
    Y: list[str],
    A: list[str],
    B: list[str],
    permutations: int | None = None,
    seed: int = 0,
) -> dict:
    """The Word Embedding Association Test (Caliskan et al. 2017).

    ``X`` and ``Y`` are two equally large sets of *target* words (e.g.
    flowers, insects), ``A`` and ``B`` two sets of *attribute* words (e.g.
    pleasant, unpleasant; ``A`` and ``B`` may differ in size). For a word w,

        s(w, A, B) = mean over a in A of cos(w, a) - mean over b in B of cos(w, b)

    is how much more w is associated with A than with B.

    - ``statistic``: ``sum over x in X of s(x) - sum over y in Y of s(y)``.
    - ``effect_size``: ``(mean over X of s(x) - mean over Y of s(y)) / std``,
      where ``std`` is the *sample* standard deviation (``ddof=1``) of s(w)
      over all the words of X ∪ Y (the 2n values together).
    - ``p_value`` (one-sided: "is X more associated with A than Y is?"): the
      fraction of splits (X_i, Y_i) of the 2n target words into two halves of
      n words whose statistic is **greater than or equal to** the observed one.

      * ``permutations=None``: exact, over all C(2n, n) splits (the observed
        split is one of them, so p >= 1 / C(2n, n)).
      * ``permutations=m`` (an integer >= 1): over m random splits, each the
        first n words of a random permutation of X ∪ Y drawn with
        ``numpy.random.default_rng(seed)``; the same seed gives the same
        p-value.

      Compute every split's statistic (and the observed one) the same way, so
      that rounding does not decide whether the observed split counts.

    Returns ``{"effect_size": float, "statistic": float, "p_value": float}``.

    Raises ``KeyError`` if a word is not in ``words``; ``ValueError`` if
    ``X`` and ``Y`` differ in size or any of the four sets is empty, or if
    ``permutations`` is neither None nor an integer >= 1.
    """
    raise NotImplementedError("TODO: implement weat (see the docstring)")
