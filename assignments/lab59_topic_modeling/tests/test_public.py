"""Public sanity checks for lab 59 (topic models).

Run with ``autograder test lab59_topic_modeling``. Passing these does not
mean the hidden tests pass: they compare your NMF with scikit-learn's
``NMF(solver="mu", init="custom")`` from the same starting factors, your
Gibbs conditional with its formula on many states (asymmetric priors too),
the frequencies of thousands of seeded sweeps with the exact probabilities
of a systematic sweep on a tiny corpus, topic recovery on corpora drawn
from planted topics (with scikit-learn's NMF and LDA as peers), and both
coherences with counts of documents on varied inputs and edge cases.
scikit-learn is installed for you to compare with here; ``topics.py``
itself may not import it.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.testing import assert_close, check


def test_nmf_one_step_by_hand(lab):
    """One update on a 2 x 2 example, W first, then H with the new W."""
    X = np.array([[2.0, 0.0], [1.0, 3.0]])
    W, H = np.ones((2, 1)), np.ones((1, 2))
    W_new, H_new = lab.nmf_update(X, W, H, 1.0)
    # W: X H^T = [2, 4], W H H^T = [2, 2]  ->  W * [2/3, 4/3]
    assert_close(W_new, np.array([[2 / 3], [4 / 3]]), atol=1e-12, rtol=0, what="W after one update")
    # H: W_new^T X = [8/3, 4], W_new^T W_new H = [20/9, 20/9]
    assert_close(H_new, np.array([[(8 / 3) / (20 / 9 + 1), 4 / (20 / 9 + 1)]]), atol=1e-12, rtol=0,
                 what="H after one update (eps = 1)")


def test_nmf_loss_decreases(lab):
    """nmf's loss list starts at the initial loss and never goes up."""
    rng = np.random.default_rng(0)
    X = rng.poisson(2.0, (10, 8))
    W, H, losses = lab.nmf(X, 2, n_iter=20, rng=0)
    check(len(losses) == 21, "losses should hold the starting loss and one loss per update")
    check(all(b <= a + 1e-9 for a, b in zip(losses, losses[1:])), "the Frobenius loss should never increase")
    check(np.all(W >= 0) and np.all(H >= 0), "the factors must stay non-negative")


def test_lda_counts_small(lab):
    """Counts of a two-document assignment."""
    state = lab.lda_counts([[0, 2, 2], [1]], [[1, 0, 0], [1]], 2, 3)
    check(np.array_equal(state["n_dk"], [[2, 1], [0, 1]]), "n_dk counts the tokens of each document per topic")
    check(np.array_equal(state["n_kw"], [[0, 0, 2], [1, 1, 0]]), "n_kw counts each word per topic")
    check(np.array_equal(state["n_k"], [2, 2]), "n_k counts the tokens per topic")


def test_gibbs_conditional_small(lab):
    """The conditional removes the token's own counts before applying the formula."""
    docs = [[0, 0]]
    state = lab.lda_counts(docs, [[0, 1]], 2, 2)
    p = lab.gibbs_conditional(docs, state, 0, 0, 1.0, 1.0)
    # without token 0: n_dk = [0, 1], n_kw[:, 0] = [0, 1], n_k = [0, 1]
    a, b = (0 + 1) * (0 + 1) / (0 + 2), (1 + 1) * (1 + 1) / (1 + 2)
    assert_close(p, np.array([a, b]) / (a + b), atol=1e-12, rtol=0, what="p(z | rest)")


def test_lda_gibbs_shapes(lab):
    """lda_gibbs returns theta and phi whose rows are distributions."""
    docs = [[0, 1, 2, 1], [3, 4, 3], []]
    result = lab.lda_gibbs(docs, 2, 5, n_iter=5, rng=1)
    check(np.asarray(result["theta"]).shape == (3, 2), "theta has one row per document")
    check(np.asarray(result["phi"]).shape == (2, 5), "phi has one row per topic")
    assert_close(np.asarray(result["phi"]).sum(axis=1), np.ones(2), atol=1e-12, rtol=0, what="rows of phi")


def test_coherence_small(lab):
    """UMass and NPMI on three documents."""
    doc_word = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    # D(0) = 3, D(1) = 2, D(0, 1) = 2
    assert_close(lab.umass_coherence([0, 1], doc_word), math.log((2 + 1) / 3), atol=1e-12, rtol=0, what="UMass")
    p01, p0, p1 = 2 / 3, 1.0, 2 / 3
    assert_close(lab.npmi_coherence([1, 2], doc_word), math.log((1 / 3) / (p1 * p1)) / -math.log(1 / 3),
                 atol=1e-12, rtol=0, what="NPMI")
    check(abs(lab.npmi_coherence([0, 1], doc_word) - math.log(p01 / (p0 * p1)) / -math.log(p01)) < 1e-12,
          "NPMI of a word in every document with another")
    check(np.array_equal(lab.top_words([[0.2, 0.5, 0.5]], 2), [[1, 2]]), "top_words breaks ties by the smaller id")
