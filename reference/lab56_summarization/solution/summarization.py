"""Lab 56: a text summarisation engine.

Three ways to summarise and one way to score a summary:

* extractive baselines: ``split_sentences`` and ``lead_k`` (the first k
  sentences, the classic news baseline);
* TextRank: ``sentence_similarity`` and ``similarity_matrix`` build a
  weighted graph of sentences, ``pagerank`` ranks its nodes by power
  iteration exactly as ``networkx.pagerank`` does, and ``textrank_scores``
  / ``textrank_summary`` pick the most central sentences;
* ROUGE: ``tokenize``, ``ngram_counts``, ``rouge_n``, ``lcs_length``,
  ``rouge_l`` and ``rouge_scores``, equal to Google's ``rouge-score``
  package (``RougeScorer(types, use_stemmer=False)``);
* abstractive summaries of long inputs: ``chunk_spans`` and
  ``map_reduce_summarize`` split a text that is longer than a model's
  context into overlapping chunks, summarise each, and summarise the
  summaries until the text fits. ``StrideSummarizer`` is GIVEN code: a
  deterministic stand-in for a small seq2seq model with a hard context
  limit. Do not change it.

``networkx`` and ``rouge_score`` may not be imported in this file (a code
check takes 50 points off): the point is to write PageRank and ROUGE.
Use both freely in your own tests.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TOKEN = re.compile(r"[a-z0-9]+")
_ROUGE_TYPE = re.compile(r"rouge(?:([1-9])|L)\Z")


# ---- sentences and lead-k ------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences.

    Rules, in this order:

    1. A blank line (a newline, then only spaces or tabs, then a newline)
       ends a sentence, punctuation or not (headlines, list items).
    2. Inside each block, a sentence ends after a run of one or more of
       ``.``, ``!``, ``?`` followed by any closing characters among
       ``"``, ``'``, ``\u201d``, ``\u2019``, ``)``, ``]``, when the next
       character is whitespace. The end of the text ends the last sentence
       too. No exception for abbreviations or initials ("Dr. No" is two
       sentences); "3.14" or "e.g.," do not end a sentence (no whitespace
       after the dot).
    3. Each sentence has its whitespace runs (newlines included) replaced
       by one space and is stripped; empty sentences are dropped.

    Returns the sentences in order ([] for an empty or blank text).
    """
    sentences: list[str] = []
    for block in _BLANK_LINE.split(text):
        start = 0
        for match in _SENTENCE_END.finditer(block):
            sentences.append(block[start:match.end()])
            start = match.end()
        sentences.append(block[start:])
    return [" ".join(s.split()) for s in sentences if s.strip()]


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return int(k)


def lead_k(text: str, k: int = 3) -> str:
    """The lead-k summary: the first ``k`` sentences of ``split_sentences(text)``.

    The sentences are joined by single spaces. ``k`` larger than the number
    of sentences gives them all; ``k == 0`` gives ``""``.

    Raises ``TypeError`` if ``k`` is not an int or a numpy integer
    (``bool`` is refused) and ``ValueError`` if ``k < 0``.
    """
    k = _check_k(k)
    return " ".join(split_sentences(text)[:k])


# ---- tokens and ROUGE ----------------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """rouge-score's default tokens (no stemming).

    Lowercase the whole text first (Python's ``str.lower``, which maps a few
    non-ASCII characters such as the Kelvin sign to ASCII letters), then take
    the maximal runs of ``[a-z0-9]``; every other character separates tokens
    and is dropped.
    """
    return _TOKEN.findall(text.lower())


def ngram_counts(tokens: Sequence[str], n: int) -> dict[tuple[str, ...], int]:
    """How often each n-gram (a tuple of ``n`` consecutive tokens) occurs.

    A sequence of ``L`` tokens has ``max(L - n + 1, 0)`` n-grams, counted
    with repetition. Raises ``ValueError`` if ``n < 1``.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    tokens = list(tokens)
    return dict(Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)))


def _prf(overlap: int, n_candidate: int, n_reference: int) -> dict[str, float]:
    precision = overlap / n_candidate if n_candidate else 0.0
    recall = overlap / n_reference if n_reference else 0.0
    total = precision + recall
    fmeasure = 2.0 * precision * recall / total if total else 0.0
    return {"precision": precision, "recall": recall, "fmeasure": fmeasure}


def rouge_n(reference: str, candidate: str, n: int = 1) -> dict[str, float]:
    """ROUGE-N of ``candidate`` against ``reference``, as rouge-score computes it.

    Both texts are tokenised with ``tokenize``. The overlap is the clipped
    count ``sum over n-grams g of min(count_ref(g), count_cand(g))``;
    precision = overlap / (number of candidate n-grams), recall = overlap /
    (number of reference n-grams), each 0.0 when its denominator is 0, and
    fmeasure = 2 P R / (P + R), 0.0 when P + R == 0.

    Returns ``{"precision": float, "recall": float, "fmeasure": float}``.
    Raises ``ValueError`` if ``n < 1``.
    """
    ref = ngram_counts(tokenize(reference), n)
    cand = ngram_counts(tokenize(candidate), n)
    overlap = sum(min(count, cand.get(gram, 0)) for gram, count in ref.items())
    return _prf(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """The length of a longest common subsequence of two token sequences.

    A subsequence keeps order but need not be contiguous: the LCS of
    ``a b c d`` and ``a c x d`` is ``a c d`` (3). 0 if either is empty.
    Use O(len(a) * len(b)) time and O(min(len(a), len(b))) extra memory
    (one or two rows of the dynamic-programming table).
    """
    short, long = sorted((a, b), key=len)
    row = [0] * (len(short) + 1)
    for x in long:
        diagonal = 0
        for j, y in enumerate(short, start=1):
            above = row[j]
            row[j] = diagonal + 1 if x == y else max(above, row[j - 1])
            diagonal = above
    return row[-1]


def rouge_l(reference: str, candidate: str) -> dict[str, float]:
    """ROUGE-L (sentence level, rouge-score's ``rougeL``): LCS-based scores.

    With ``L = lcs_length(tokenize(reference), tokenize(candidate))``:
    precision = L / (number of candidate tokens), recall = L / (number of
    reference tokens), fmeasure = 2 P R / (P + R); all three 0.0 when
    either text has no tokens (or P + R == 0).

    Returns ``{"precision": float, "recall": float, "fmeasure": float}``.
    """
    ref, cand = tokenize(reference), tokenize(candidate)
    return _prf(lcs_length(ref, cand), len(cand), len(ref))


def rouge_scores(reference: str, candidate: str,
                 types: Sequence[str] = ("rouge1", "rouge2", "rougeL")) -> dict[str, dict[str, float]]:
    """Several ROUGE scores at once, like ``RougeScorer(types).score(reference, candidate)``.

    Each type is ``"rougeN"`` with N one digit from 1 to 9 (``"rouge1"``,
    ``"rouge2"``, ... ``"rouge9"``, as rouge-score accepts), scored by
    ``rouge_n``, or ``"rougeL"``, scored by ``rouge_l``. Returns a dict
    from each requested type to its ``{"precision", "recall", "fmeasure"}``
    dict. Raises ``ValueError`` for any other type (``"rouge0"``,
    ``"rouge10"``, ``"rougeLsum"``, ``"ROUGE1"``, ...); nothing is scored
    then.
    """
    orders: dict[str, int | None] = {}
    for rouge_type in types:
        match = _ROUGE_TYPE.match(rouge_type)
        if not match:
            raise ValueError(f"unknown ROUGE type {rouge_type!r}")
        orders[rouge_type] = int(match.group(1)) if match.group(1) else None
    return {name: rouge_l(reference, candidate) if n is None else rouge_n(reference, candidate, n)
            for name, n in orders.items()}


# ---- TextRank ------------------------------------------------------------------------------------------------


def sentence_similarity(a: str, b: str, method: str = "textrank") -> float:
    """Similarity of two sentences, on their ``tokenize`` tokens.

    ``method="textrank"`` (Mihalcea and Tarau, 2004): the number of distinct
    tokens the two sentences share, divided by ``log(len(A)) + log(len(B))``
    (natural log; ``len`` counts tokens with repetition). 0.0 when either
    sentence has no tokens or when the denominator is 0 (both have exactly
    one token).

    ``method="cosine"``: the cosine of the two token-count vectors,
    ``dot(a, b) / (|a| |b|)``; 0.0 when either sentence has no tokens.

    Raises ``ValueError`` for any other method.
    """
    similarity = _similarity_function(method)
    ta, tb = tokenize(a), tokenize(b)
    if not ta or not tb:
        return 0.0
    return similarity(ta, tb)


def _textrank_similarity(ta: list[str], tb: list[str]) -> float:
    denominator = math.log(len(ta)) + math.log(len(tb))
    return len(set(ta) & set(tb)) / denominator if denominator else 0.0


def _cosine_similarity(ta: list[str], tb: list[str]) -> float:
    ca, cb = Counter(ta), Counter(tb)
    dot = sum(count * cb[token] for token, count in ca.items())
    return dot / (math.sqrt(sum(c * c for c in ca.values())) * math.sqrt(sum(c * c for c in cb.values())))


_SIMILARITIES = {"textrank": _textrank_similarity, "cosine": _cosine_similarity}


def _similarity_function(method: str):
    if method not in _SIMILARITIES:
        raise ValueError(f"unknown similarity method {method!r}")
    return _SIMILARITIES[method]


def similarity_matrix(sentences: Sequence[str], method: str = "textrank") -> np.ndarray:
    """The ``(n, n)`` float64 matrix ``S[i, j] = sentence_similarity(s_i, s_j, method)`` for ``i != j``.

    The diagonal is 0 (no self-loops) and the matrix is symmetric. An empty
    list gives an array of shape ``(0, 0)``. Raises ``ValueError`` for an
    unknown method (even when ``sentences`` is empty).
    """
    _similarity_function(method)
    n = len(sentences)
    matrix = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = sentence_similarity(sentences[i], sentences[j], method)
    return matrix


def _distribution(values: Sequence[float] | np.ndarray, n: int, name: str) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {v.shape}")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    total = v.sum()
    if not total:
        raise ValueError(f"{name} must have a positive sum")
    return v / total


def pagerank(weights: Sequence[Sequence[float]] | np.ndarray, alpha: float = 0.85,
             personalization: Sequence[float] | np.ndarray | None = None, max_iter: int = 100,
             tol: float = 1e-6, weighted: bool = True,
             dangling: Sequence[float] | np.ndarray | None = None) -> np.ndarray:
    """PageRank by power iteration, step for step what ``networkx.pagerank`` computes.

    ``weights[i, j] >= 0`` is the weight of the directed edge ``i -> j``
    (0: no edge); a symmetric matrix is an undirected graph, and a diagonal
    entry a self-loop, which counts like any other out-edge. With
    ``weighted=False`` every nonzero entry counts as 1.

    Let ``out_i`` be row i's sum. A node with ``out_i == 0`` is *dangling*;
    every other row is divided by its sum (``P[i, j] = w_ij / out_i``).
    ``p`` is ``personalization`` divided by its sum (uniform ``1/n`` when
    None); ``d`` is ``dangling`` divided by its sum, or ``p`` when None.
    Starting from ``x = 1/n`` everywhere, one iteration is::

        x_new = alpha * (x @ P + (sum of x over dangling nodes) * d) + (1 - alpha) * p

    and the iteration stops, returning ``x_new``, at the first iteration
    (counting from 1) where ``sum(|x_new - x|) < n * tol``. ``alpha`` may be
    0 (the result is ``p``) or 1 (no teleport).

    Returns a float64 array of shape ``(n,)`` (it sums to 1); an empty
    ``(0, 0)`` matrix gives an empty array.

    Raises ``ValueError`` if ``weights`` is not a square 2-D matrix or has
    negative, NaN or infinite entries; if ``alpha`` is outside [0, 1]; if
    ``max_iter < 1`` or ``tol <= 0``; if ``personalization`` or
    ``dangling`` does not have shape ``(n,)``, has a negative or non-finite
    entry, or sums to 0. Raises ``RuntimeError`` if ``max_iter`` iterations
    pass without meeting the stopping rule.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"weights must be a square matrix, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    if max_iter < 1 or not tol > 0:
        raise ValueError("max_iter must be >= 1 and tol > 0")
    n = len(w)
    if not n:
        return np.zeros(0)
    p = np.full(n, 1.0 / n) if personalization is None else _distribution(personalization, n, "personalization")
    d = p if dangling is None else _distribution(dangling, n, "dangling")
    if not weighted:
        w = w.astype(bool).astype(np.float64)
    out = w.sum(axis=1)
    is_dangling = out == 0
    transition = w / np.where(is_dangling, 1.0, out)[:, None]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        x_new = alpha * (x @ transition + x[is_dangling].sum() * d) + (1.0 - alpha) * p
        if np.abs(x_new - x).sum() < n * tol:
            return x_new
        x = x_new
    raise RuntimeError(f"PageRank did not converge in {max_iter} iterations")


def textrank_scores(sentences: Sequence[str], method: str = "textrank", alpha: float = 0.85) -> np.ndarray:
    """TextRank centrality of each sentence.

    ``pagerank(similarity_matrix(sentences, method), alpha=alpha)`` with the
    other arguments at their defaults: the sentences are the nodes of an
    undirected graph weighted by similarity. A sentence similar to no other
    is a dangling node. Returns float64 of shape ``(n,)``; ``[]`` gives an
    empty array.
    """
    return pagerank(similarity_matrix(sentences, method), alpha=alpha)


def textrank_summary(text: str, k: int = 3, method: str = "textrank", alpha: float = 0.85) -> str:
    """The ``k`` most central sentences of ``split_sentences(text)``, in document order.

    Rank the sentences by ``textrank_scores`` (highest first; equal scores:
    the earlier sentence first), keep the top ``k`` and join them by single
    spaces in the order they appear in the text. ``k`` at least the number
    of sentences gives them all; ``k == 0`` gives ``""``.

    Raises ``TypeError`` if ``k`` is not an int or a numpy integer
    (``bool`` is refused), ``ValueError`` if ``k < 0`` or ``method`` is
    unknown.
    """
    k = _check_k(k)
    sentences = split_sentences(text)
    scores = textrank_scores(sentences, method, alpha)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return " ".join(sentences[i] for i in sorted(ranked[:k]))


# ---- map-reduce summarisation --------------------------------------------------------------------------------


class StrideSummarizer:
    """GIVEN (do not change): a deterministic stand-in for a small seq2seq summariser.

    Tokens are whitespace-separated words (``text.split()``).
    ``context_tokens`` is a hard limit, as a model's position table would
    be: calling it on a text of more tokens raises ``ValueError``. The
    summary of a text of ``n`` tokens keeps the tokens at positions ``0, s,
    2s, ...`` with ``s = ceil(n / output_tokens)`` (so at most
    ``output_tokens`` tokens, spread over the whole input), joined by single
    spaces; the empty text gives ``""``. Every accepted input is appended to
    ``calls``, in order.
    """

    def __init__(self, context_tokens: int = 64, output_tokens: int = 16) -> None:
        if not 1 <= output_tokens <= context_tokens:
            raise ValueError("need 1 <= output_tokens <= context_tokens")
        self.context_tokens = context_tokens
        self.output_tokens = output_tokens
        self.calls: list[str] = []

    def __call__(self, text: str) -> str:
        tokens = text.split()
        if len(tokens) > self.context_tokens:
            raise ValueError(f"input of {len(tokens)} tokens exceeds the context of {self.context_tokens}")
        self.calls.append(text)
        if not tokens:
            return ""
        stride = -(-len(tokens) // self.output_tokens)
        return " ".join(tokens[::stride])


def chunk_spans(n_tokens: int, size: int, overlap: int = 0) -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` (end exclusive) of overlapping chunks covering ``n_tokens`` tokens.

    The first span starts at 0; each span is ``(start, min(start + size,
    n_tokens))``; the next span starts ``size - overlap`` tokens later, so
    consecutive spans share exactly ``overlap`` tokens; the spans stop with
    the first one that reaches ``n_tokens``. ``n_tokens == 0`` gives ``[]``. Example:
    ``chunk_spans(10, 4, 1) == [(0, 4), (3, 7), (6, 10)]``.

    Raises ``ValueError`` if ``n_tokens < 0``, ``size < 1``, or
    ``overlap`` is outside ``[0, size - 1]``.
    """
    if n_tokens < 0 or not 0 <= overlap < size:      # size < 1 leaves no valid overlap
        raise ValueError("need n_tokens >= 0, size >= 1 and 0 <= overlap < size")
    if not n_tokens:
        return []
    stride = size - overlap
    n_spans = 1 + max(0, math.ceil((n_tokens - size) / stride))
    return [(i * stride, min(i * stride + size, n_tokens)) for i in range(n_spans)]


def map_reduce_summarize(text: str, summarizer: StrideSummarizer, chunk_size: int | None = None,
                         overlap: int = 0) -> str:
    """Summarise a text of any length with a model of limited context.

    ``summarizer`` is any object like ``StrideSummarizer``: an int
    attribute ``context_tokens``, and ``summarizer(text) -> str``. Tokens are
    ``text.split()``; a chunk is passed to the model as its tokens joined by
    single spaces.

    While the current tokens are more than ``context_tokens``, run a round:

    * map: cut the tokens into ``chunk_spans(len(tokens), chunk_size,
      overlap)`` and summarise each chunk, in order, one call per chunk;
    * reduce: the next round's tokens are the tokens of the chunk summaries,
      in order. If they are not fewer than this round's tokens, raise
      ``RuntimeError`` (no progress: the recursion would never end).

    Once the tokens fit (at most ``context_tokens``; at once for a short
    text, the empty text included), summarise them in one last call and
    return that summary. So every call fits the context, and a text that
    fits is summarised by exactly one call.

    ``chunk_size`` defaults to ``summarizer.context_tokens``. Raises
    ``ValueError`` before any call if ``chunk_size`` is outside ``[1,
    context_tokens]`` or ``overlap`` outside ``[0, chunk_size - 1]``.
    """
    context = summarizer.context_tokens
    size = context if chunk_size is None else chunk_size
    if size > context or not 0 <= overlap < size:      # size < 1 leaves no valid overlap
        raise ValueError(f"need chunk_size <= context ({context}) and 0 <= overlap < chunk_size")
    tokens = text.split()
    while len(tokens) > context:
        summaries = [summarizer(" ".join(tokens[start:end]))
                     for start, end in chunk_spans(len(tokens), size, overlap)]
        reduced = " ".join(summaries).split()
        if len(reduced) >= len(tokens):
            raise RuntimeError(f"a round made {len(tokens)} tokens into {len(reduced)}: no progress")
        tokens = reduced
    return summarizer(" ".join(tokens))
