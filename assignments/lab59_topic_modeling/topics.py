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


def nmf_loss(X, W, H) -> float:
    """The NMF objective ``0.5 * ||X - W @ H||_F ** 2`` (half the squared Frobenius norm).

    ``X`` has shape ``(n, m)``, ``W`` ``(n, k)``, ``H`` ``(k, m)``, each a 2-D
    array-like of non-negative numbers. This is exactly scikit-learn's
    Frobenius beta-divergence, and ``reconstruction_err_ ** 2 / 2`` of its
    ``NMF``. Returns a Python float. Raises ``ValueError`` for a negative
    entry, an array that is not 2-D, or shapes that do not chain.
    """
    raise NotImplementedError("TODO: implement nmf_loss")


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
    raise NotImplementedError("TODO: implement nmf_update")


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
    raise NotImplementedError("TODO: implement nmf")


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
    raise NotImplementedError("TODO: implement lda_counts")


def lda_init(docs, n_topics: int, n_words: int, rng=None) -> dict:
    """A random starting state: every token's topic drawn independently and uniformly from ``[0, n_topics)``.

    Returns the state dict of ``lda_counts`` for the drawn assignment.
    Errors as ``lda_counts``, and ``TypeError`` for a bad ``rng``.
    """
    raise NotImplementedError("TODO: implement lda_init")


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
    raise NotImplementedError("TODO: implement gibbs_conditional")


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
    raise NotImplementedError("TODO: implement gibbs_sweep")


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
    raise NotImplementedError("TODO: implement lda_gibbs")


def top_words(topic_word, n: int) -> np.ndarray:
    """The ``n`` highest-weighted word ids of each topic, best first.

    ``topic_word``: 2-D array-like ``(n_topics, n_words)`` of weights (NMF's
    ``H``, LDA's ``phi``). Equal weights are ordered by the smaller word id
    first. Returns an int64 array of shape ``(n_topics, n)``. Raises
    ``ValueError`` unless ``1 <= n <= n_words`` or if ``topic_word`` is not
    2-D; ``TypeError`` for a non-int ``n``.
    """
    raise NotImplementedError("TODO: implement top_words")


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
    raise NotImplementedError("TODO: implement umass_coherence")


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
    raise NotImplementedError("TODO: implement npmi_coherence")


def topic_coherence(topic_word, doc_word, n: int = 10, measure: str = "npmi") -> np.ndarray:
    """The coherence of every topic's ``n`` top words (``top_words``), by ``measure``.

    ``measure``: ``"umass"`` (``umass_coherence`` with ``eps = 1.0``) or
    ``"npmi"`` (``npmi_coherence``). Returns a float64 array of shape
    ``(n_topics,)``. Raises ``ValueError`` for another measure, for
    ``n < 2`` and as ``top_words`` and the measure do.
    """
    raise NotImplementedError("TODO: implement topic_coherence")
