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
    if min_count < 1:
        raise ValueError("min_count must be >= 1")
    counts = Counter(token for sentence in corpus for token in sentence)
    kept = sorted(item for item in counts.items() if item[1] >= min_count)  # alphabetical ...
    kept.sort(key=lambda wc: wc[1], reverse=True)  # ... then by decreasing count (a stable sort)
    return [w for w, _ in kept], [c for _, c in kept]


def encode(corpus: Corpus, vocab: Sequence[str]) -> list[list[int]]:
    """Map each token to its index in ``vocab``; tokens not in ``vocab`` are dropped.

    Returns one list of ints per sentence (possibly empty).

    >>> encode([["a", "x", "b"]], ["b", "a"])
    [[1, 0]]
    """
    index = {w: i for i, w in enumerate(vocab)}
    return [[index[t] for t in sentence if t in index] for sentence in corpus]


def negative_sampling_distribution(counts: Sequence[float], power: float = 0.75) -> np.ndarray:
    """The negative-sampling distribution of word2vec: P(i) proportional to counts[i] ** power.

    Returns a float64 array of shape ``(len(counts),)`` that sums to 1.
    A zero count gives probability 0, whatever the power (also for
    ``power=0``, which gives the uniform distribution over the words with a
    non-zero count). Counts may be ints or floats.

    Raises ``ValueError`` if ``counts`` is empty, has a negative entry or
    sums to 0.
    """
    c = np.asarray(counts, dtype=np.float64)
    if (c < 0).any() or not c.any():
        raise ValueError("counts must be a non-empty sequence of non-negative numbers, not all zero")
    weights = np.where(c > 0, c, 1.0) ** power * (c > 0)
    return weights / weights.sum()


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
    p = np.asarray(probs, dtype=np.float64)
    if (p < 0).any() or abs(p.sum() - 1.0) > 1e-6:
        raise ValueError("probs must be a probability vector")
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(p)
    cdf /= cdf[-1]  # exactly 1 at the end, and rng.random() < 1: the index is at most len(p) - 1
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)


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
    if window < 1:
        raise ValueError("window must be >= 1")
    pairs = [
        (s[i], s[j])
        for s in sentences
        for i in range(len(s))
        for j in range(max(0, i - window), min(len(s), i + window + 1))
        if j != i
    ]
    return np.array(pairs, dtype=np.int64).reshape(len(pairs), 2)


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
    v = w_in[centers]  # (B, D)
    positive = (w_out[contexts] * v).sum(1)  # (B,)
    negative = torch.einsum("bkd,bd->bk", w_out[negatives], v)  # (B, K)
    return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(1)).mean()


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
    B = len(centers)
    v = w_in[centers]  # (B, D)
    u_pos = w_out[contexts]  # (B, D)
    u_neg = w_out[negatives]  # (B, K, D)
    # d(-log sigmoid(x))/dx = sigmoid(x) - 1; d(-log sigmoid(-x))/dx = sigmoid(x)
    g_pos = (torch.sigmoid((u_pos * v).sum(1)) - 1) / B  # (B,)
    g_neg = torch.sigmoid(torch.einsum("bkd,bd->bk", u_neg, v)) / B  # (B, K)
    grad_v = g_pos[:, None] * u_pos + torch.einsum("bk,bkd->bd", g_neg, u_neg)
    grad_u_pos = g_pos[:, None] * v
    grad_u_neg = g_neg[:, :, None] * v[:, None, :]
    new_in = w_in.detach().clone().index_add_(0, centers, grad_v, alpha=-lr)
    new_out = w_out.detach().clone()
    new_out.index_add_(0, contexts, grad_u_pos, alpha=-lr)
    new_out.index_add_(0, negatives.reshape(-1), grad_u_neg.reshape(-1, v.shape[1]), alpha=-lr)
    return new_in, new_out


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
    if not bool(context_mask.any(1).all()):
        raise ValueError("every example needs at least one context word")
    mask = context_mask.to(w_in.dtype)
    h = (w_in[context_ids] * mask[..., None]).sum(1) / mask.sum(1)[:, None]  # (B, D)
    positive = (w_out[targets] * h).sum(1)
    negative = torch.einsum("bkd,bd->bk", w_out[negatives], h)
    return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(1)).mean()


def _cbow_examples(sentences: list[list[int]], window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded context ids (N, C), their mask and the targets, for positions with a context.

    The windows come from :func:`skipgram_pairs` run on the positions of each
    sentence: its rows (i, j) list the context positions j of each position i."""
    contexts, targets = [], []
    for s in sentences:
        positions = skipgram_pairs([list(range(len(s)))], window)
        for i, t in enumerate(s):
            ctx = [s[j] for j in positions[positions[:, 0] == i, 1]]
            if ctx:
                contexts.append(ctx)
                targets.append(t)
    width = max(map(len, contexts), default=0)
    ids = np.zeros((len(contexts), width), dtype=np.int64)
    mask = np.zeros((len(contexts), width), dtype=bool)
    for row, ctx in enumerate(contexts):
        ids[row, : len(ctx)] = ctx
        mask[row, : len(ctx)] = True
    return ids, mask, np.array(targets, dtype=np.int64)


def _train_word2vec(corpus, cbow, dim, epochs, window, negatives, lr, batch_size, seed, min_count):
    vocab, counts = build_vocab(corpus, min_count)
    if not vocab:
        raise ValueError("the vocabulary is empty")
    sentences = encode(corpus, vocab)
    probs = negative_sampling_distribution(counts)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    V = len(vocab)
    w_in = ((torch.rand(V, dim) - 0.5) / dim).requires_grad_(True)
    w_out = torch.zeros(V, dim, requires_grad=True)
    optimizer = torch.optim.Adam([w_in, w_out], lr=lr)
    if cbow:
        ctx_ids, ctx_mask, targets = _cbow_examples(sentences, window)
        data = (torch.from_numpy(ctx_ids), torch.from_numpy(ctx_mask), torch.from_numpy(targets))
    else:
        pairs = torch.from_numpy(skipgram_pairs(sentences, window))
        data = (pairs[:, 0], pairs[:, 1])
    n = len(targets) if cbow else len(pairs)
    all_negatives = torch.from_numpy(sample_negatives(probs, (epochs, n, negatives), seed))
    losses = []
    for negs in all_negatives:
        order = torch.from_numpy(rng.permutation(n))
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            parts = [d[batch] for d in data]
            if cbow:
                loss = cbow_loss(w_in, w_out, *parts, negs[batch])
            else:
                loss = sgns_loss(w_in, w_out, *parts, negs[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / n if n else 0.0)
    return w_in.detach().numpy().astype(np.float32), vocab, losses


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
    return _train_word2vec(corpus, False, dim, epochs, window, negatives, lr, batch_size, seed, min_count)


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
    return _train_word2vec(corpus, True, dim, epochs, window, negatives, lr, batch_size, seed, min_count)


# ---- GloVe --------------------------------------------------------------------------------------


def cooccurrence_matrix(corpus: Corpus, vocab: Sequence[str], window: int) -> np.ndarray:
    """The GloVe co-occurrence matrix X of ``corpus`` over ``vocab``.

    Out-of-vocabulary tokens are removed first (:func:`encode`). Every pair of
    positions i != j of one sentence with distance d = |i - j| <= ``window``
    adds ``1 / d`` to ``X[word_i, word_j]`` (so X is symmetric). Returns a
    float64 array of shape (len(vocab), len(vocab)).

    Raises ``ValueError`` if ``window < 1``.
    """
    if window < 1:
        raise ValueError("window must be >= 1")
    X = np.zeros((len(vocab), len(vocab)))
    for s in encode(corpus, vocab):
        s = np.asarray(s, dtype=np.int64)
        for d in range(1, window + 1):  # distances past the sentence's end add nothing
            np.add.at(X, (s[:-d], s[d:]), 1.0 / d)
            np.add.at(X, (s[d:], s[:-d]), 1.0 / d)
    return X


def glove_weight(x: np.ndarray, x_max: float = 100.0, alpha: float = 0.75) -> np.ndarray:
    """The GloVe weighting function f(x) = (x / x_max) ** alpha, capped at 1.

    Element-wise on a float array of any shape (returns float64 of the same
    shape): f(x) = min(1, (x / x_max) ** alpha) for x > 0 and f(0) = 0.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.minimum(1.0, (x / x_max) ** alpha)


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
    i, j = torch.nonzero(X > 0, as_tuple=True)
    x = X[i, j]
    f = torch.clamp((x / x_max) ** alpha, max=1.0)
    err = (w[i] * w_ctx[j]).sum(1) + b[i] + b_ctx[j] - torch.log(x)
    return (f * err**2).sum()


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
    vocab, _ = build_vocab(corpus, min_count)
    X = torch.from_numpy(cooccurrence_matrix(corpus, vocab, window))
    g = torch.Generator().manual_seed(seed)
    V = len(vocab)
    params = [
        ((torch.rand(V, dim, generator=g, dtype=torch.float64) - 0.5) / dim).requires_grad_(True),
        ((torch.rand(V, dim, generator=g, dtype=torch.float64) - 0.5) / dim).requires_grad_(True),
        torch.zeros(V, dtype=torch.float64, requires_grad=True),
        torch.zeros(V, dtype=torch.float64, requires_grad=True),
    ]
    optimizer = torch.optim.Adam(params, lr=lr)
    losses = []
    for _ in range(epochs):
        loss = glove_loss(*params, X, x_max, alpha)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    w, w_ctx = params[0].detach(), params[1].detach()
    return (w + w_ctx).numpy().astype(np.float32), vocab, losses


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
    if min_n < 1 or max_n < min_n:
        raise ValueError("need 1 <= min_n <= max_n")
    s = BOW + word + EOW
    return [s[i : i + n] for i in range(len(s)) for n in range(min_n, max_n + 1) if i + n <= len(s)]


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
    h = FNV_OFFSET_BASIS
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return h


def ngram_buckets(word: str, buckets: int, min_n: int = 3, max_n: int = 6) -> list[int]:
    """The bucket of each n-gram of ``word``: ``fnv1a_32(g) % buckets`` for g in :func:`char_ngrams`.

    Same order and length as ``char_ngrams(word, min_n, max_n)``.

    Raises ``ValueError`` if ``buckets < 1``.
    """
    if buckets < 1:
        raise ValueError("buckets must be >= 1")
    return [fnv1a_32(g) % buckets for g in char_ngrams(word, min_n, max_n)]


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
    ngram_vectors = np.asarray(ngram_vectors, dtype=np.float64)
    rows = [ngram_vectors[k] for k in ngram_buckets(word, len(ngram_vectors), min_n, max_n)]
    if word in vocab:
        rows.append(np.asarray(word_vectors, dtype=np.float64)[list(vocab).index(word)])
    if not rows:
        return np.zeros(ngram_vectors.shape[1])
    return np.mean(rows, axis=0)


# ---- similarity, PCA and plotting ---------------------------------------------------------------


def nearest_neighbours(embeddings: np.ndarray, vocab: Sequence[str], word: str, k: int = 5) -> list[str]:
    """The ``k`` words whose vectors have the highest cosine similarity with ``word``'s.

    The word itself is excluded. Ties keep vocabulary order (a stable sort
    by decreasing similarity). A zero vector has similarity 0 with everything.
    Returns fewer than ``k`` words if the vocabulary is smaller.

    Raises ``KeyError`` if ``word`` is not in ``vocab``.
    """
    vocab = list(vocab)
    if word not in vocab:
        raise KeyError(word)
    E = np.asarray(embeddings, dtype=np.float64)
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    unit = np.divide(E, norms, out=np.zeros_like(E), where=norms > 0)  # a zero vector stays 0
    i = vocab.index(word)
    sims = unit @ unit[i]
    order = [j for j in np.argsort(-sims, kind="stable") if j != i]
    return [vocab[j] for j in order[:k]]


def pca_2d(X: np.ndarray) -> np.ndarray:
    """Project the rows of ``X`` (n, d) onto their first two principal components.

    Centre the columns (subtract the column means), take the SVD of the
    centred matrix and return the coordinates along the two right singular
    vectors with the largest singular values: a float64 array of shape
    (n, 2). Each column's sign is arbitrary (as in any PCA).

    Raises ``ValueError`` unless ``X`` is 2-D with n >= 2 rows and d >= 2 columns.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 2:
        raise ValueError("X must be 2-D with at least two rows and two columns")
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def plot_embeddings(embeddings: np.ndarray, words: Sequence[str], path: str) -> str:
    """Save a 2-D PCA scatter plot of ``embeddings``, each point labelled with its word, as PNG.

    Uses :func:`pca_2d` and matplotlib with the non-interactive ``Agg``
    backend (no window). Writes the file at ``path`` (relative paths are
    relative to the working directory) and returns ``path``.

    Raises ``ValueError`` if ``len(words) != len(embeddings)``.
    """
    if len(words) != len(embeddings):
        raise ValueError("need one word per embedding row")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xy = pca_2d(embeddings)
    fig, ax = plt.subplots()
    ax.scatter(*xy.T)
    for point, w in zip(xy, words):
        ax.annotate(w, point)
    fig.savefig(path, format="png")
    plt.close(fig)
    return path
