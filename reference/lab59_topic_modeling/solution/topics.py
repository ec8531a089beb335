"""Lab 59: topic models.

Two ways to find the topics of a corpus, and two ways to judge them:

* **NMF** (non-negative matrix factorisation) of a document-term matrix
  ``X ~ W @ H`` by Lee and Seung's multiplicative updates for the
  Frobenius loss: the rows of ``H`` are the topics;
* **LDA** (latent Dirichlet allocation) fitted by **collapsed Gibbs
  sampling**: every token's topic is resampled from its conditional given
  all the others, with the topic proportions and topic-word distributions
  integrated out;
* **UMass** and **NPMI** topic coherence from document co-occurrence
  counts.

Conventions
-----------
A *corpus* for LDA (``docs``) is a list or tuple of documents, each a
list, tuple or 1-D numpy array of integer word ids in ``[0, n_words)``;
a document may be empty. A *document-term matrix* (``X``, ``doc_word``) is
a 2-D array-like of shape ``(n_docs, n_words)`` (nested lists or a numpy
array of any integer, float or bool dtype) of non-negative counts.
Results are float64 numpy arrays unless a docstring says otherwise.

Randomness: every random function takes ``rng``, a
``numpy.random.Generator`` (used as given, so that its state advances:
two calls with the same Generator object give different draws), or an
``int`` seed (``numpy.random.default_rng(seed)``: the same seed gives the
same result), or ``None`` (a fresh, unseeded ``default_rng()``). Any other
type (a ``bool``, a float, a legacy ``RandomState``) raises ``TypeError``.
No function changes its arguments.

scikit-learn and gensim may not be imported in this file (a code check
takes 50 points off): use them in your own tests to compare with.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# ---- helpers -----------------------------------------------------------------------------------------------------


def _rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, not {type(rng).__name__}")


def _int(value, name: str, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _nonneg_matrix(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return array


def _positive(value, name: str) -> float:
    value = float(value)
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def _alpha(alpha, n_topics: int) -> np.ndarray:
    alpha = np.asarray(alpha, dtype=np.float64)
    if alpha.ndim == 0:
        alpha = np.full(n_topics, float(alpha))
    if alpha.shape != (n_topics,):
        raise ValueError(f"alpha must be a number or an array of shape ({n_topics},), got shape {alpha.shape}")
    if not np.all(alpha > 0) or not np.all(np.isfinite(alpha)):
        raise ValueError("alpha must be positive and finite")
    return alpha


def _docs(docs, n_words: int) -> list[np.ndarray]:
    out = []
    for doc in docs:
        array = np.asarray(doc)
        if array.size == 0:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        if array.ndim != 1 or array.dtype.kind not in "iu":
            raise ValueError("each document must be a 1-D sequence of integer word ids")
        if array.min() < 0 or array.max() >= n_words:
            raise ValueError(f"word ids must lie in [0, {n_words})")
        out.append(array.astype(np.int64))
    return out


def _occurrence(doc_word) -> np.ndarray:
    return (_nonneg_matrix(doc_word, "doc_word") > 0).astype(np.float64)


def _word_ids(top_words, n_words: int) -> np.ndarray:
    ids = np.asarray(top_words)
    if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
        raise ValueError("top_words must be a 1-D sequence of integer word ids")
    if ids.size < 2:
        raise ValueError("coherence needs at least two words")
    if len(np.unique(ids)) != ids.size:
        raise ValueError("top_words must be distinct")
    if ids.min() < 0 or ids.max() >= n_words:
        raise ValueError(f"word ids must lie in [0, {n_words})")
    return ids.astype(np.int64)


def _chain(X, W, H) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, W, H as float64 matrices; ValueError unless X has the shape of W @ H (matmul checks k)."""
    X, W, H = _nonneg_matrix(X, "X"), _nonneg_matrix(W, "W"), _nonneg_matrix(H, "H")
    if (W @ H).shape != X.shape:
        raise ValueError(f"shapes do not chain: X {X.shape}, W {W.shape}, H {H.shape}")
    return X, W, H


def _cooccurrence(top_words, doc_word) -> tuple[np.ndarray, np.ndarray, int]:
    """Document frequencies D(w) of the words and the co-document counts D(w, w')."""
    occurrence = _occurrence(doc_word)
    ids = _word_ids(top_words, occurrence.shape[1])
    sub = occurrence[:, ids]
    df = sub.sum(axis=0)
    if np.any(df == 0):
        raise ValueError("every top word must appear in at least one document")
    return df, sub.T @ sub, occurrence.shape[0]


# ---- NMF -----------------------------------------------------------------------------------------------------------


def nmf_loss(X, W, H) -> float:
    """The NMF objective ``0.5 * ||X - W @ H||_F ** 2`` (half the squared Frobenius norm).

    ``X`` has shape ``(n, m)``, ``W`` ``(n, k)``, ``H`` ``(k, m)``, each a 2-D
    array-like of non-negative numbers. This is exactly scikit-learn's
    Frobenius beta-divergence, and ``reconstruction_err_ ** 2 / 2`` of its
    ``NMF``. Returns a Python float. Raises ``ValueError`` for a negative
    entry, an array that is not 2-D, or shapes that do not chain.
    """
    X, W, H = _chain(X, W, H)
    return float(0.5 * np.sum((X - W @ H) ** 2))


def nmf_update(X, W, H, eps: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """One multiplicative-update step for the Frobenius loss: ``W`` first, then ``H``.

    With ``*`` and ``/`` element-wise::

        W_new = W * (X @ H.T) / (W @ H @ H.T + eps)
        H_new = H * (W_new.T @ X) / (W_new.T @ W_new @ H + eps)

    ``H`` is updated with the **new** ``W`` (the order scikit-learn's
    ``solver="mu"`` uses). ``eps`` is added to every denominator (never to
    a numerator), so a zero denominator gives a zero, not a NaN, and a zero
    entry stays zero. Shapes as in ``nmf_loss``; returns float64 copies
    ``(W_new, H_new)`` and leaves the arguments unchanged. Raises
    ``ValueError`` for ``eps <= 0``, a negative entry or shapes that do not
    chain.
    """
    eps = _positive(eps, "eps")
    X, W, H = _chain(X, W, H)
    W = W * (X @ H.T) / (W @ (H @ H.T) + eps)
    H = H * (W.T @ X) / ((W.T @ W) @ H + eps)
    return W, H


def nmf(
    X,
    n_components: int,
    n_iter: int = 200,
    eps: float = 1e-10,
    W0=None,
    H0=None,
    rng=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factorise ``X ~ W @ H`` by ``n_iter`` steps of ``nmf_update``.

    ``X``: ``(n, m)`` non-negative document-term matrix; ``n_components``
    (``k >= 1``) topics. ``W0`` (``(n, k)``) and ``H0`` (``(k, m)``) are the
    starting factors, used as given (copied); a missing one is drawn with
    ``rng`` as scikit-learn's ``init="random"`` does:
    ``sqrt(X.mean() / k) * abs(rng.standard_normal(shape))`` (``W`` drawn
    before ``H`` when both are missing). Exactly ``n_iter`` updates run (no
    early stopping; ``n_iter = 0`` returns the starting factors).

    Returns ``(W, H, losses)``: float64 arrays, and ``losses`` of length
    ``n_iter + 1`` with ``nmf_loss`` of the starting factors followed by
    the loss after each update (it never increases, up to rounding).
    Raises ``ValueError`` for ``n_components < 1``, ``n_iter < 0``,
    ``eps <= 0``, a negative entry, or a ``W0``/``H0`` of the wrong shape;
    ``TypeError`` for a non-int ``n_components``/``n_iter`` or a bad ``rng``.
    """
    X = _nonneg_matrix(X, "X")
    k = _int(n_components, "n_components", 1)
    n_iter = _int(n_iter, "n_iter", 0)
    eps = _positive(eps, "eps")
    n, m = X.shape
    if W0 is None or H0 is None:
        generator = _rng(rng)
        scale = np.sqrt(X.mean() / k)
    if W0 is None:
        W = scale * np.abs(generator.standard_normal((n, k)))
    else:
        W = _nonneg_matrix(W0, "W0").copy()
    if H0 is None:
        H = scale * np.abs(generator.standard_normal((k, m)))
    else:
        H = _nonneg_matrix(H0, "H0").copy()
    if W.shape[1] != k:  # the rest of the chain is checked by nmf_loss
        raise ValueError(f"W0 must have {k} columns, got shape {W.shape}")
    losses = [nmf_loss(X, W, H)]
    for _ in range(n_iter):
        W, H = nmf_update(X, W, H, eps)
        losses.append(nmf_loss(X, W, H))
    return W, H, np.asarray(losses)


# ---- LDA by collapsed Gibbs sampling ---------------------------------------------------------------------------


def lda_counts(docs, z, n_topics: int, n_words: int) -> dict:
    """The count arrays of a topic assignment.

    ``docs``: the corpus; ``z``: one sequence of topic ids in
    ``[0, n_topics)`` per document, of the document's length. Returns the
    Gibbs *state*, a dict of int64 numpy arrays:

    * ``"z"``: list of 1-D arrays, a copy of ``z``;
    * ``"n_dk"``: ``(n_docs, n_topics)``, tokens of document d assigned to topic k;
    * ``"n_kw"``: ``(n_topics, n_words)``, tokens of word w assigned to topic k;
    * ``"n_k"``: ``(n_topics,)``, tokens assigned to topic k.

    Raises ``ValueError`` for ``n_topics < 1`` or ``n_words < 1``, a word
    or topic id out of range, a ``z`` with a different number of documents
    or a document of a different length.
    """
    k = _int(n_topics, "n_topics", 1)
    v = _int(n_words, "n_words", 1)
    docs = _docs(docs, v)
    if len(z) != len(docs):
        raise ValueError(f"z has {len(z)} documents, docs has {len(docs)}")
    n_dk = np.zeros((len(docs), k), dtype=np.int64)
    n_kw = np.zeros((k, v), dtype=np.int64)
    topics = []
    for d, (doc, zd) in enumerate(zip(docs, z)):
        zd = np.asarray(zd, dtype=np.int64)
        if zd.shape != doc.shape:
            raise ValueError(f"document {d} has {doc.size} tokens but {zd.size} topics")
        if zd.size and (zd.min() < 0 or zd.max() >= k):
            raise ValueError(f"topic ids must lie in [0, {k})")
        n_dk[d] = np.bincount(zd, minlength=k)
        np.add.at(n_kw, (zd, doc), 1)
        topics.append(zd)
    return {"z": topics, "n_dk": n_dk, "n_kw": n_kw, "n_k": n_kw.sum(axis=1)}


def lda_init(docs, n_topics: int, n_words: int, rng=None) -> dict:
    """A random starting state: every token's topic drawn independently and uniformly from ``[0, n_topics)``.

    Returns the state dict of ``lda_counts`` for the drawn assignment.
    Errors as ``lda_counts``, and ``TypeError`` for a bad ``rng``.
    """
    generator = _rng(rng)
    z = [generator.integers(0, n_topics, size=len(doc)) for doc in docs]
    return lda_counts(docs, z, n_topics, n_words)


def gibbs_conditional(docs, state: dict, d: int, i: int, alpha, beta: float) -> np.ndarray:
    """The collapsed Gibbs conditional of token ``i`` of document ``d``.

    ``state`` is a state dict (``lda_counts``) whose counts include every
    token, this one too (at topic ``state["z"][d][i]``). With ``w`` the
    token's word, ``V = n_words`` and the counts of the state **with this
    token removed** (written ``^-i``)::

        p(z_di = k | rest)  ∝  (n_dk[d, k]^-i + alpha_k) * (n_kw[k, w]^-i + beta) / (n_k[k]^-i + V * beta)

    ``alpha``: a positive number (symmetric prior) or an array of
    ``n_topics`` positive numbers; ``beta``: a positive number. Returns the
    normalised probabilities, shape ``(n_topics,)``, summing to 1. The
    state is not changed. Raises ``IndexError`` for a ``d`` or ``i`` out of
    range (negative indices are not allowed), ``ValueError`` for a
    non-positive ``alpha``/``beta`` or an ``alpha`` of the wrong length.
    """
    n_dk, n_kw = np.asarray(state["n_dk"]), np.asarray(state["n_kw"])
    n_topics, n_words = n_kw.shape
    alpha = _alpha(alpha, n_topics)
    beta = _positive(beta, "beta")
    if d < 0 or i < 0:
        raise IndexError(f"no token {i} in document {d}")
    w, topic = int(docs[d][i]), int(state["z"][d][i])
    own = np.zeros(n_topics)
    own[topic] = 1.0
    p = (n_dk[d] - own + alpha) * (n_kw[:, w] - own + beta) / (n_kw.sum(axis=1) - own + n_words * beta)
    return p / p.sum()


def gibbs_sweep(docs, state: dict, alpha, beta: float, rng=None) -> dict:
    """One systematic sweep of collapsed Gibbs sampling; returns the new state.

    The tokens are visited in order: document 0 token 0, 1, ..., then
    document 1, and so on. Each token is removed from the counts, given a
    topic drawn from ``gibbs_conditional`` computed from the counts as they
    stand (earlier tokens of this sweep already carry their new topics),
    and added back under that topic. Returns a new state dict (same keys
    and dtypes as ``lda_counts``); ``state`` itself is not changed.
    ``alpha``, ``beta`` as in ``gibbs_conditional``. Raises ``ValueError``
    for a bad prior; ``TypeError`` for a bad ``rng``.
    """
    generator = _rng(rng)
    n_dk = np.array(state["n_dk"], dtype=np.int64)
    n_kw = np.array(state["n_kw"], dtype=np.int64)
    n_topics, n_words = n_kw.shape
    docs = _docs(docs, n_words)
    alpha = _alpha(alpha, n_topics)
    vbeta = n_words * _positive(beta, "beta")
    beta = float(beta)
    n_k = n_kw.sum(axis=1).astype(np.float64)
    n_wk = n_kw.T.astype(np.float64)          # word-major: the column of a word is contiguous
    topics = [np.array(zd, dtype=np.int64) for zd in state["z"]]
    for d, doc in enumerate(docs):
        zd, ndk = topics[d], n_dk[d].astype(np.float64)
        uniforms = generator.random(len(doc))
        for i, w in enumerate(doc.tolist()):
            old = zd[i]
            ndk[old] -= 1
            n_wk[w, old] -= 1
            n_k[old] -= 1
            cumulative = np.cumsum((ndk + alpha) * (n_wk[w] + beta) / (n_k + vbeta))
            new = int(np.searchsorted(cumulative[:-1], uniforms[i] * cumulative[-1], side="right"))
            zd[i] = new
            ndk[new] += 1
            n_wk[w, new] += 1
            n_k[new] += 1
        n_dk[d] = ndk.astype(np.int64)
    n_kw = np.rint(n_wk.T).astype(np.int64)
    return {"z": topics, "n_dk": n_dk, "n_kw": n_kw, "n_k": n_kw.sum(axis=1)}


def lda_gibbs(docs, n_topics: int, n_words: int, alpha=0.1, beta: float = 0.01, n_iter: int = 200, rng=None) -> dict:
    """Fit LDA by collapsed Gibbs sampling: ``lda_init`` then ``n_iter`` calls of ``gibbs_sweep``.

    All randomness comes from the one ``rng`` (the initial topics first,
    then the sweeps). Returns the final state dict (``"z"``, ``"n_dk"``,
    ``"n_kw"``, ``"n_k"``) plus the point estimates from its counts:

    * ``"theta"``: ``(n_docs, n_topics)``, ``(n_dk[d, k] + alpha_k) / (N_d + sum(alpha))``
      with ``N_d`` the length of document d (an empty document gets
      ``alpha / sum(alpha)``);
    * ``"phi"``: ``(n_topics, n_words)``, ``(n_kw[k, w] + beta) / (n_k[k] + n_words * beta)``.

    Each row of both sums to 1. ``n_iter = 0`` gives the estimates of the
    random start. Raises ``ValueError`` for ``n_iter < 0`` and as
    ``lda_counts`` / ``gibbs_conditional``; ``TypeError`` for a bad ``rng``
    or a non-int ``n_iter``.
    """
    k = _int(n_topics, "n_topics", 1)
    n_iter = _int(n_iter, "n_iter", 0)
    alpha_vec = _alpha(alpha, k)
    beta = _positive(beta, "beta")
    generator = _rng(rng)
    state = lda_init(docs, k, n_words, generator)
    checked = _docs(docs, n_words)
    for _ in range(n_iter):
        state = gibbs_sweep(checked, state, alpha_vec, beta, generator)
    n_dk, n_kw = state["n_dk"], state["n_kw"]
    theta = (n_dk + alpha_vec) / (n_dk.sum(axis=1, keepdims=True) + alpha_vec.sum())
    phi = (n_kw + beta) / (n_kw.sum(axis=1, keepdims=True) + n_kw.shape[1] * beta)
    return {**state, "theta": theta, "phi": phi}


# ---- topics and their coherence ----------------------------------------------------------------------------------


def top_words(topic_word, n: int) -> np.ndarray:
    """The ``n`` highest-weighted word ids of each topic, best first.

    ``topic_word``: 2-D array-like ``(n_topics, n_words)`` of weights (NMF's
    ``H``, LDA's ``phi``). Equal weights are ordered by the smaller word id
    first. Returns an int64 array of shape ``(n_topics, n)``. Raises
    ``ValueError`` unless ``1 <= n <= n_words`` or if ``topic_word`` is not
    2-D; ``TypeError`` for a non-int ``n``.
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    if weights.ndim != 2:
        raise ValueError(f"topic_word must be 2-D, got shape {weights.shape}")
    n = _int(n, "n", 1)
    if n > weights.shape[1]:
        raise ValueError("n is more than the number of words")
    return np.argsort(-weights, axis=1, kind="stable")[:, :n].astype(np.int64)


def umass_coherence(top_words: Sequence[int], doc_word, eps: float = 1.0) -> float:
    """UMass coherence (Mimno et al., 2011) of one topic's top words, from document co-occurrence.

    ``top_words``: ``M >= 2`` distinct word ids, best first (a list, tuple
    or 1-D integer array); ``doc_word``: the ``(n_docs, n_words)``
    document-term matrix (a word *occurs* in a document when its count is
    > 0). With ``D(w)`` the number of documents containing ``w`` and
    ``D(w, w')`` the number containing both, the natural-log score is the
    **mean** over the ``M (M - 1) / 2`` ordered pairs::

        mean over 1 <= l < m <= M of  ln( (D(w_m, w_l) + eps) / D(w_l) )

    (the better-ranked word ``w_l`` in the denominator). ``eps`` (> 0) is
    the smoothing count. Returns a Python float, at most ``ln(1 + eps)``;
    higher is more coherent. Raises ``ValueError`` for fewer than two words,
    repeated or out-of-range ids, a top word in no document, ``eps <= 0``,
    or a negative count.
    """
    eps = _positive(eps, "eps")
    df, co, _ = _cooccurrence(top_words, doc_word)
    m_idx, l_idx = np.tril_indices(len(df), k=-1)
    return float(np.mean(np.log((co[m_idx, l_idx] + eps) / df[l_idx])))


def npmi_coherence(top_words: Sequence[int], doc_word) -> float:
    """NPMI coherence (Bouma, 2009; Röder et al., 2015) of one topic's top words, from document co-occurrence.

    Arguments as in ``umass_coherence``. With ``N`` documents,
    ``p(w) = D(w) / N`` and ``p(w, w') = D(w, w') / N``, each unordered
    pair of distinct top words scores::

        npmi(w, w') = log( p(w, w') / (p(w) p(w')) ) / ( -log p(w, w') )

    in ``[-1, 1]`` (the log base cancels), with no smoothing and the two
    limits as conventions: ``-1`` when the words share no document
    (``p(w, w') = 0``) and ``1`` when both are in every document
    (``p(w, w') = 1``). Returns the mean over the ``M (M - 1) / 2`` pairs
    as a Python float. Raises ``ValueError`` as ``umass_coherence``.
    """
    df, co, n_docs = _cooccurrence(top_words, doc_word)
    i_idx, j_idx = np.triu_indices(len(df), k=1)
    p_ij = co[i_idx, j_idx] / n_docs
    p_i, p_j = df[i_idx] / n_docs, df[j_idx] / n_docs
    scores = np.empty(len(p_ij))
    never, always = p_ij == 0, p_ij == 1
    inner = ~(never | always)
    scores[never], scores[always] = -1.0, 1.0
    scores[inner] = np.log(p_ij[inner] / (p_i[inner] * p_j[inner])) / -np.log(p_ij[inner])
    return float(np.mean(scores))


def topic_coherence(topic_word, doc_word, n: int = 10, measure: str = "npmi") -> np.ndarray:
    """The coherence of every topic's ``n`` top words (``top_words``), by ``measure``.

    ``measure``: ``"umass"`` (``umass_coherence`` with ``eps = 1.0``) or
    ``"npmi"`` (``npmi_coherence``). Returns a float64 array of shape
    ``(n_topics,)``. Raises ``ValueError`` for another measure, for
    ``n < 2`` and as ``top_words`` and the measure do.
    """
    if measure not in ("umass", "npmi"):
        raise ValueError(f"measure must be 'umass' or 'npmi', not {measure!r}")
    score = umass_coherence if measure == "umass" else npmi_coherence
    return np.array([score(words, doc_word) for words in top_words(topic_word, n)], dtype=np.float64)
