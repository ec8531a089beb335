"""Lab 11: word embeddings.

A word embedding maps every word of a vocabulary to a dense vector so that
words used in similar contexts get similar vectors. You will build the
classic methods from scratch:

- word2vec: skip-gram with negative sampling (SGNS) and CBOW, trained in
  PyTorch, with negatives drawn from the unigram distribution raised to 3/4;
- GloVe: a weighted least-squares fit of log co-occurrence counts;
- fastText subword vectors: hashed character n-grams, which give vectors
  even to words never seen in training;
- a 2-D PCA projection (numpy SVD) and a PNG scatter plot of the vectors.

Conventions used throughout:

- A corpus is a list of sentences, each a list of string tokens.
- Embedding matrices have one row per vocabulary word, in vocabulary order.
- The vocabulary is sorted by decreasing count, ties alphabetically
  (see :func:`build_vocab`). Tokens not in the vocabulary are removed from
  their sentence before windows are formed.
- A window of size ``w`` around position ``i`` covers positions
  ``i - w .. i + w`` except ``i``, clipped to the sentence (no random
  window shrinking, no subsampling of frequent words).
- Training functions are reproducible: the same ``seed`` gives the same
  result (seed torch with a local ``torch.Generator`` / ``torch.manual_seed``
  and numpy with ``numpy.random.default_rng``).

Keep the public names and signatures; add private helpers (names starting
with ``_``) as you like. Do not use gensim or another embedding library in
your solution.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

FNV_OFFSET_BASIS = 2166136261
"""The 32-bit FNV offset basis (the initial hash value)."""
FNV_PRIME = 16777619
"""The 32-bit FNV prime."""
BOW, EOW = "<", ">"
"""The begin- and end-of-word markers added around a word before taking character n-grams."""

Corpus = Sequence[Sequence[str]]


# ---- vocabulary and negative sampling -------------------------------------------------------


def build_vocab(corpus: Corpus, min_count: int = 1) -> tuple[list[str], list[int]]:
    """Count the tokens of ``corpus`` and keep those seen at least ``min_count`` times.

    Returns ``(words, counts)``: two lists of equal length, sorted by
    decreasing count, ties broken alphabetically (``sorted`` order of the
    strings). ``counts[i]`` is the number of occurrences of ``words[i]``.

    >>> build_vocab([["b", "a", "b"], ["c", "a"]])
    (['a', 'b', 'c'], [2, 2, 1])

    Raises ``ValueError`` if ``min_count < 1``.
    """
    raise NotImplementedError("TODO: implement build_vocab (see the docstring)")


def encode(corpus: Corpus, vocab: Sequence[str]) -> list[list[int]]:
    """Map each token to its index in ``vocab``; tokens not in ``vocab`` are dropped.

    Returns one list of ints per sentence (possibly empty).

    >>> encode([["a", "x", "b"]], ["b", "a"])
    [[1, 0]]
    """
    raise NotImplementedError("TODO: implement encode (see the docstring)")


def negative_sampling_distribution(counts: Sequence[float], power: float = 0.75) -> np.ndarray:
    """The negative-sampling distribution of word2vec: P(i) proportional to counts[i] ** power.

    Returns a float64 array of shape ``(len(counts),)`` that sums to 1.
    A zero count gives probability 0, whatever the power (also for
    ``power=0``, which gives the uniform distribution over the words with a
    non-zero count). Counts may be ints or floats.

    Raises ``ValueError`` if ``counts`` is empty, has a negative entry or
    sums to 0.
    """
    raise NotImplementedError("TODO: implement negative_sampling_distribution (see the docstring)")


def sample_negatives(probs: np.ndarray, size: int | tuple[int, ...], seed: int) -> np.ndarray:
    """Draw word indices independently from the distribution ``probs`` (with replacement).

    ``size`` is the output shape (an int or a tuple). Returns an int64 array
    of that shape with values in ``0 .. len(probs) - 1``; index ``i`` is
    drawn with probability ``probs[i]``. The same ``seed`` gives the same
    array (use ``numpy.random.default_rng(seed)``; the exact method is up to
    you, e.g. ``Generator.choice`` or inverse-CDF sampling).

    Raises ``ValueError`` if ``probs`` has a negative entry or does not sum
    to 1 (within 1e-6).
    """
    raise NotImplementedError("TODO: implement sample_negatives (see the docstring)")


# ---- word2vec: skip-gram and CBOW --------------------------------------------------------------


def skipgram_pairs(sentences: Sequence[Sequence[int]], window: int) -> np.ndarray:
    """All (center, context) pairs of the encoded ``sentences`` within ``window``.

    Returns an int64 array of shape ``(n_pairs, 2)``: for every sentence, every
    position ``i`` and every ``j`` with ``0 < |i - j| <= window`` inside the
    sentence, the row ``(sentence[i], sentence[j])``. Rows are ordered by
    sentence, then ``i``, then ``j``. No pair crosses a sentence boundary.
    With no pairs the shape is ``(0, 2)``.

    >>> skipgram_pairs([[5, 6, 7]], 1).tolist()
    [[5, 6], [6, 5], [6, 7], [7, 6]]

    Raises ``ValueError`` if ``window < 1``.
    """
    raise NotImplementedError("TODO: implement skipgram_pairs (see the docstring)")


def sgns_loss(
    w_in: torch.Tensor,
    w_out: torch.Tensor,
    centers: torch.Tensor,
    contexts: torch.Tensor,
    negatives: torch.Tensor,
) -> torch.Tensor:
    """The skip-gram negative-sampling loss of a batch, averaged over the batch.

    ``w_in`` (V, D) holds the input ("center") vectors v, ``w_out`` (V, D) the
    separate output ("context") vectors u. ``centers`` and ``contexts`` are
    int64 tensors of shape (B,), ``negatives`` int64 of shape (B, K). For
    example b with center c, context o and negatives n_1..n_K the loss is

        -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_{n_k} . v_c)

    and the function returns the mean over the B examples: a scalar tensor of
    the dtype of ``w_in``, differentiable with respect to both matrices.
    Compute it stably (``torch.nn.functional.logsigmoid``).
    """
    raise NotImplementedError("TODO: implement sgns_loss (see the docstring)")


def sgns_step(
    w_in: torch.Tensor,
    w_out: torch.Tensor,
    centers: torch.Tensor,
    contexts: torch.Tensor,
    negatives: torch.Tensor,
    lr: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One plain SGD step on :func:`sgns_loss`; returns the updated ``(w_in, w_out)``.

    The new matrices are ``w - lr * dL/dw`` for the batch-mean loss L of
    :func:`sgns_loss` (rows that do not appear in the batch are unchanged; a
    row that appears several times receives the sum of its gradients).
    The inputs are not modified: return new tensors (detached, same dtype).
    Everything is given, including the negatives, so the result is
    deterministic.
    """
    raise NotImplementedError("TODO: implement sgns_step (see the docstring)")


def cbow_loss(
    w_in: torch.Tensor,
    w_out: torch.Tensor,
    context_ids: torch.Tensor,
    context_mask: torch.Tensor,
    targets: torch.Tensor,
    negatives: torch.Tensor,
) -> torch.Tensor:
    """The CBOW negative-sampling loss of a batch, averaged over the batch.

    ``context_ids`` (B, C) int64 holds up to C context words per example;
    ``context_mask`` (B, C) bool says which entries are real (True) and which
    are padding (False, their ids must be ignored). The hidden vector of
    example b is the MEAN of ``w_in`` over its real context words:
    h = (sum over real j of v_j) / (number of real j). With target t and
    negatives n_1..n_K (``negatives`` (B, K)) the example's loss is

        -log sigmoid(u_t . h) - sum_k log sigmoid(-u_{n_k} . h)

    where u are rows of ``w_out``. Returns the mean over the batch (a scalar
    tensor, differentiable with respect to ``w_in`` and ``w_out``).

    Raises ``ValueError`` if some example has no real context word.
    """
    raise NotImplementedError("TODO: implement cbow_loss (see the docstring)")


def train_skipgram(
    corpus: Corpus,
    dim: int = 16,
    epochs: int = 5,
    window: int = 2,
    negatives: int = 5,
    lr: float = 0.01,
    batch_size: int = 256,
    seed: int = 0,
    min_count: int = 1,
) -> tuple[np.ndarray, list[str], list[float]]:
    """Train skip-gram with negative sampling on ``corpus``.

    Vocabulary from :func:`build_vocab` (``min_count``), training pairs from
    :func:`skipgram_pairs` (``window``), ``negatives`` negatives per pair
    drawn from :func:`negative_sampling_distribution` of the vocabulary
    counts, loss :func:`sgns_loss` on shuffled minibatches of
    ``batch_size`` pairs, ``epochs`` passes over all pairs. Keep separate
    input and output matrices: initialise the input vectors uniformly in
    ``[-0.5/dim, 0.5/dim]`` and the output vectors with zeros (so a word that
    is never a center keeps its initial input vector). Optimise with
    ``torch.optim.Adam`` (learning rate ``lr``, otherwise its defaults), one
    step per minibatch.

    Returns ``(embeddings, vocab, losses)``: the input vectors as a float32
    numpy array of shape (len(vocab), dim), the vocabulary list, and the
    mean training loss of each epoch (``epochs`` floats): the mean of the
    per-example losses of the epoch, each computed before the update of its
    batch (so with a single batch per epoch, ``losses[0]`` is the loss at the
    initial vectors), and 0.0 for an epoch without any example (a corpus
    whose sentences have a single word each). The same arguments give the
    same result.
    """
    raise NotImplementedError("TODO: implement train_skipgram (see the docstring)")


def train_cbow(
    corpus: Corpus,
    dim: int = 16,
    epochs: int = 10,
    window: int = 2,
    negatives: int = 5,
    lr: float = 0.03,
    batch_size: int = 256,
    seed: int = 0,
    min_count: int = 1,
) -> tuple[np.ndarray, list[str], list[float]]:
    """Train CBOW with negative sampling on ``corpus``.

    As :func:`train_skipgram`, but each example is one position of a
    sentence that has at least one context word: its context is every word
    within ``window`` (up to ``2 * window`` words, padded and masked as in
    :func:`cbow_loss`), its target the word at the position. Returns
    ``(embeddings, vocab, losses)`` with the input vectors as embeddings.
    """
    raise NotImplementedError("TODO: implement train_cbow (see the docstring)")


# ---- GloVe --------------------------------------------------------------------------------------


def cooccurrence_matrix(corpus: Corpus, vocab: Sequence[str], window: int) -> np.ndarray:
    """The GloVe co-occurrence matrix X of ``corpus`` over ``vocab``.

    Out-of-vocabulary tokens are removed first (:func:`encode`). Every pair of
    positions i != j of one sentence with distance d = |i - j| <= ``window``
    adds ``1 / d`` to ``X[word_i, word_j]`` (so X is symmetric). Returns a
    float64 array of shape (len(vocab), len(vocab)).

    Raises ``ValueError`` if ``window < 1``.
    """
    raise NotImplementedError("TODO: implement cooccurrence_matrix (see the docstring)")


def glove_weight(x: np.ndarray, x_max: float = 100.0, alpha: float = 0.75) -> np.ndarray:
    """The GloVe weighting function f(x) = (x / x_max) ** alpha, capped at 1.

    Element-wise on a float array of any shape (returns float64 of the same
    shape): f(x) = min(1, (x / x_max) ** alpha) for x > 0 and f(0) = 0.
    """
    raise NotImplementedError("TODO: implement glove_weight (see the docstring)")


def glove_loss(
    w: torch.Tensor,
    w_ctx: torch.Tensor,
    b: torch.Tensor,
    b_ctx: torch.Tensor,
    X: torch.Tensor,
    x_max: float = 100.0,
    alpha: float = 0.75,
) -> torch.Tensor:
    """The GloVe weighted least-squares loss (a SUM, not a mean).

    ``w`` and ``w_ctx`` are (V, D) word and context vectors, ``b`` and
    ``b_ctx`` (V,) biases, ``X`` (V, V) co-occurrence counts. The loss is

        sum over (i, j) with X_ij > 0 of f(X_ij) * (w_i . w_ctx_j + b_i + b_ctx_j - log X_ij) ** 2

    with f the weighting of :func:`glove_weight`. Pairs with X_ij = 0 are
    skipped (their log is undefined). Returns a scalar tensor,
    differentiable with respect to the four parameter tensors.
    """
    raise NotImplementedError("TODO: implement glove_loss (see the docstring)")


def train_glove(
    corpus: Corpus,
    dim: int = 16,
    epochs: int = 100,
    window: int = 2,
    x_max: float = 10.0,
    alpha: float = 0.75,
    lr: float = 0.05,
    seed: int = 0,
    min_count: int = 1,
) -> tuple[np.ndarray, list[str], list[float]]:
    """Train GloVe on ``corpus``.

    Vocabulary from :func:`build_vocab`, counts from
    :func:`cooccurrence_matrix` (``window``), loss :func:`glove_loss`
    (``x_max``, ``alpha``). Initialise ``w`` and ``w_ctx`` independently and
    uniformly in ``[-0.5/dim, 0.5/dim]`` and the biases with zeros (seeded by
    ``seed``; a word that co-occurs with nothing keeps its initial vectors).
    Each epoch takes one full-batch ``torch.optim.Adam`` step (learning rate
    ``lr``, otherwise its defaults) on all four parameter tensors.

    Returns ``(embeddings, vocab, losses)``: ``w + w_ctx`` as a float32 numpy
    array (len(vocab), dim), the vocabulary, and ``losses[e]``, the value of
    :func:`glove_loss` in epoch e (before that epoch's update).
    """
    raise NotImplementedError("TODO: implement train_glove (see the docstring)")


# ---- fastText subwords --------------------------------------------------------------------------


def char_ngrams(word: str, min_n: int = 3, max_n: int = 6) -> list[str]:
    """The character n-grams of ``word`` with boundary markers, as in fastText.

    The word is wrapped as ``"<" + word + ">"``; the result lists every
    substring of that string with length n, ``min_n <= n <= max_n``, ordered
    by start position, then by length. Repeats are kept; the whole wrapped
    word is included when its length is within the range.

    >>> char_ngrams("her", 3, 4)
    ['<he', '<her', 'her', 'her>', 'er>']

    Raises ``ValueError`` if ``min_n < 1`` or ``max_n < min_n``.
    """
    raise NotImplementedError("TODO: implement char_ngrams (see the docstring)")


def fnv1a_32(text: str) -> int:
    """The 32-bit FNV-1a hash of the UTF-8 bytes of ``text``.

    Start from ``FNV_OFFSET_BASIS``; for each byte: XOR the byte into the
    hash, then multiply by ``FNV_PRIME`` modulo 2**32. Returns an int in
    ``0 .. 2**32 - 1``. (fastText's C++ code sign-extends bytes >= 0x80
    before the XOR; we use the standard FNV-1a, which agrees with fastText on
    ASCII text.)

    >>> hex(fnv1a_32("a"))
    '0xe40c292c'
    """
    raise NotImplementedError("TODO: implement fnv1a_32 (see the docstring)")


def ngram_buckets(word: str, buckets: int, min_n: int = 3, max_n: int = 6) -> list[int]:
    """The bucket of each n-gram of ``word``: ``fnv1a_32(g) % buckets`` for g in :func:`char_ngrams`.

    Same order and length as ``char_ngrams(word, min_n, max_n)``.

    Raises ``ValueError`` if ``buckets < 1``.
    """
    raise NotImplementedError("TODO: implement ngram_buckets (see the docstring)")


def fasttext_vector(
    word: str,
    vocab: Sequence[str],
    word_vectors: np.ndarray,
    ngram_vectors: np.ndarray,
    min_n: int = 3,
    max_n: int = 6,
) -> np.ndarray:
    """The fastText vector of ``word``: the MEAN of its vectors.

    ``word_vectors`` (len(vocab), D) holds one vector per vocabulary word,
    ``ngram_vectors`` (buckets, D) one per hash bucket (buckets =
    ``len(ngram_vectors)``). The vectors of the word are the rows of
    ``ngram_vectors`` at :func:`ngram_buckets` (each occurrence counts, also
    repeats and collisions) plus, if ``word`` is in ``vocab``, its own row of
    ``word_vectors``. Returns their mean (float64, shape (D,)). An unseen word
    without n-grams (too short) gets the zero vector. This is what gensim's
    ``FastText.wv[word]`` returns.
    """
    raise NotImplementedError("TODO: implement fasttext_vector (see the docstring)")


# ---- similarity, PCA and plotting ---------------------------------------------------------------


def nearest_neighbours(embeddings: np.ndarray, vocab: Sequence[str], word: str, k: int = 5) -> list[str]:
    """The ``k`` words whose vectors have the highest cosine similarity with ``word``'s.

    The word itself is excluded. Ties keep vocabulary order (a stable sort
    by decreasing similarity). A zero vector has similarity 0 with everything.
    Returns fewer than ``k`` words if the vocabulary is smaller.

    Raises ``KeyError`` if ``word`` is not in ``vocab``.
    """
    raise NotImplementedError("TODO: implement nearest_neighbours (see the docstring)")


def pca_2d(X: np.ndarray) -> np.ndarray:
    """Project the rows of ``X`` (n, d) onto their first two principal components.

    Centre the columns (subtract the column means), take the SVD of the
    centred matrix and return the coordinates along the two right singular
    vectors with the largest singular values: a float64 array of shape
    (n, 2). Each column's sign is arbitrary (as in any PCA).

    Raises ``ValueError`` unless ``X`` is 2-D with n >= 2 rows and d >= 2 columns.
    """
    raise NotImplementedError("TODO: implement pca_2d (see the docstring)")


def plot_embeddings(embeddings: np.ndarray, words: Sequence[str], path: str) -> str:
    """Save a 2-D PCA scatter plot of ``embeddings``, each point labelled with its word, as PNG.

    Uses :func:`pca_2d` and matplotlib with the non-interactive ``Agg``
    backend (no window). Writes the file at ``path`` (relative paths are
    relative to the working directory) and returns ``path``.

    Raises ``ValueError`` if ``len(words) != len(embeddings)``.
    """
    raise NotImplementedError("TODO: implement plot_embeddings (see the docstring)")
