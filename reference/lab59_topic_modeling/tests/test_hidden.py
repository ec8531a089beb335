"""Hidden tests for lab 59 (topic models).

Oracles:

* NMF: ``sklearn.decomposition.NMF(solver="mu", init="custom", tol=0)``
  from the same starting factors (it updates W then H, as the docstring
  does; its zero-denominator guard and our ``+ eps`` agree to ~1e-9), and
  the update formula written out here with numpy;
* collapsed Gibbs: the conditional written out here; the exact
  distribution of one systematic sweep (product of the conditionals in
  visit order) and of ``lda_gibbs`` after a few sweeps (uniform start
  times the exact transition matrix), enumerated over every assignment of
  a tiny corpus and compared with the frequencies of thousands of
  independently seeded runs;
* topic recovery on corpora drawn here from planted topics, with
  scikit-learn's ``NMF`` and ``LatentDirichletAllocation`` as peers;
* coherence: document co-occurrence counts computed here with plain loops.

Never compared with the reference's random-number order.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation

from autograder.testing import assert_close, check


def worker_rng(lab, seed):
    """A numpy Generator living in the student's worker (so that its state can advance there)."""
    try:
        np_ = lab.get("np")
    except Exception:  # noqa: BLE001 - the student imported numpy under another name
        np_ = lab.get("numpy")
    return np_.random.default_rng(seed)


def nonneg(rng, shape, low=0.1):
    return rng.random(shape) + low


# ---- NMF ---------------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_nmf_loss_matches_formula(lab):
    """nmf_loss is half the squared Frobenius norm of X - W H, for int, float and nested-list inputs."""
    rng = np.random.default_rng(0)
    for n, m, k in [(5, 7, 2), (1, 1, 1), (9, 4, 3)]:
        X, W, H = rng.poisson(3, (n, m)), nonneg(rng, (n, k)), nonneg(rng, (k, m))
        expected = 0.5 * np.sum((X - W @ H) ** 2)
        got = lab.nmf_loss(X, W, H)
        check(isinstance(got, float), "nmf_loss should return a Python float")
        assert_close(got, expected, rtol=1e-12, atol=1e-12, what=f"nmf_loss for shapes {(n, m, k)}")
        assert_close(lab.nmf_loss(X.tolist(), W.tolist(), H.tolist()), expected, rtol=1e-12, atol=1e-12,
                     what="nmf_loss of nested lists")
    X = np.array([[1e4, 0.0], [0.0, 3e4]])
    assert_close(lab.nmf_loss(X, np.zeros((2, 1)), np.zeros((1, 2))), 0.5 * (1e8 + 9e8), rtol=1e-12, atol=0,
                 what="nmf_loss with W = 0 and large counts")
    assert_close(lab.nmf_loss(X, np.array([[1.0], [0.0]]), np.array([[1e4, 0.0]])), 0.5 * 9e8, rtol=1e-12, atol=0,
                 what="nmf_loss with an exact part")


@pytest.mark.points(1)
def test_nmf_loss_errors(lab):
    """nmf_loss raises ValueError for negative entries and shapes that do not chain."""
    X, W, H = np.ones((3, 4)), np.ones((3, 2)), np.ones((2, 4))
    assert_close(lab.nmf_loss(X, W, H), 0.5 * 12, atol=1e-12, rtol=0, what="a valid nmf_loss")
    for bad in [(-X, W, H), (X, -W, H), (X, W, -H), (X, np.ones((3, 3)), H), (np.ones((4, 4)), W, H),
                (X, W, np.ones((2, 5))), (np.ones(4), W, H), (np.ones((3, 4, 1)), W, H),
                (np.ones((1, 4)), W, H), (X, np.ones((1, 2)), H)]:
        with pytest.raises(ValueError):
            lab.nmf_loss(*bad)


def mu_step(X, W, H, eps):
    W = W * (X @ H.T) / (W @ H @ H.T + eps)
    H = H * (W.T @ X) / (W.T @ W @ H + eps)
    return W, H


@pytest.mark.points(5)
def test_nmf_update_formula(lab):
    """nmf_update is one multiplicative step, W first then H from the new W, eps added to each denominator."""
    rng = np.random.default_rng(1)
    for n, m, k, eps in [(6, 8, 3, 1e-10), (6, 8, 3, 0.5), (4, 5, 2, 2.0), (10, 3, 1, 1e-3), (3, 9, 4, 1e-10)]:
        X = rng.poisson(2, (n, m)).astype(float)
        W, H = nonneg(rng, (n, k)), nonneg(rng, (k, m))
        W_copy, H_copy = W.copy(), H.copy()
        eW, eH = mu_step(X, W, H, eps)
        got = lab.nmf_update(X, W, H, eps) if eps != 1e-10 else lab.nmf_update(X, W, H)
        check(len(got) == 2, "nmf_update should return (W_new, H_new)")
        assert_close(got[0], eW, rtol=1e-12, atol=1e-14, what=f"W_new (eps={eps})")
        assert_close(got[1], eH, rtol=1e-12, atol=1e-14, what=f"H_new (eps={eps})")
        check(np.array_equal(W, W_copy) and np.array_equal(H, H_copy), "nmf_update must not change W or H")
    # zeros stay zero; a zero row of X and a dead component give zeros, not NaN
    X = rng.poisson(2, (5, 6)).astype(float)
    X[2] = 0.0
    W, H = nonneg(rng, (5, 2)), nonneg(rng, (2, 6))
    W[:, 1] = 0.0
    H[0, 3] = 0.0
    eW, eH = mu_step(X, W, H, 1e-10)
    gW, gH = lab.nmf_update(X, W, H)
    check(np.all(np.isfinite(gW)) and np.all(np.isfinite(gH)), "nmf_update must not produce NaN or inf")
    check(np.all(gW[:, 1] == 0) and gH[0, 3] == 0 and np.all(gW[2] == 0), "zero entries must stay zero")
    assert_close(gW, eW, rtol=1e-12, atol=1e-14, what="W_new with zeros")
    assert_close(gH, eH, rtol=1e-12, atol=1e-14, what="H_new with zeros")


@pytest.mark.points(2)
def test_nmf_update_input_types(lab):
    """nmf_update accepts integer counts, float32 and nested lists, and returns float64."""
    rng = np.random.default_rng(2)
    X = rng.poisson(3, (5, 4))
    W, H = nonneg(rng, (5, 2)), nonneg(rng, (2, 4))
    eW, eH = mu_step(X.astype(float), W, H, 1e-10)
    for args in [(X, W, H), (X.tolist(), W.tolist(), H.tolist()), (X.astype(np.int32), W, H)]:
        gW, gH = lab.nmf_update(*args)
        check(gW.dtype == np.float64 and gH.dtype == np.float64, "nmf_update should return float64 arrays")
        assert_close(gW, eW, rtol=1e-12, atol=1e-14, what="W_new")
        assert_close(gH, eH, rtol=1e-12, atol=1e-14, what="H_new")
    X32, W32, H32 = X.astype(np.float32), W.astype(np.float32), H.astype(np.float32)
    eW, eH = mu_step(*(a.astype(np.float64) for a in (X32, W32, H32)), 1e-10)
    gW, gH = lab.nmf_update(X32, W32, H32)
    assert_close(gW, eW, rtol=1e-10, atol=1e-12, what="W_new from float32 inputs")
    assert_close(gH, eH, rtol=1e-10, atol=1e-12, what="H_new from float32 inputs")


@pytest.mark.points(2)
def test_nmf_update_errors(lab):
    """nmf_update raises ValueError for eps <= 0, negative entries and shapes that do not chain."""
    X, W, H = np.ones((3, 4)), np.ones((3, 2)), np.ones((2, 4))
    lab.nmf_update(X, W, H, 1e-300)
    for eps in (0.0, -1e-10, float("nan")):
        with pytest.raises(ValueError):
            lab.nmf_update(X, W, H, eps)
    for bad in [(-X, W, H), (X, -W, H), (X, W, -H), (X, np.ones((3, 3)), H), (X, W, np.ones((3, 4))),
                (np.ones((1, 4)), W, H), (X, np.ones((1, 2)), H), (X, W, np.ones((2, 1)))]:
        with pytest.raises(ValueError):
            lab.nmf_update(*bad)


def sklearn_mu(X, W0, H0, n_iter):
    model = NMF(W0.shape[1], solver="mu", init="custom", beta_loss="frobenius", tol=0.0, max_iter=n_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W = model.fit_transform(X, W=W0.copy(), H=H0.copy())
    return W, model.components_, model.reconstruction_err_ ** 2 / 2


@pytest.mark.points(6)
def test_nmf_matches_sklearn_mu(lab):
    """nmf from given W0, H0 equals scikit-learn's NMF(solver='mu', init='custom') after the same iterations."""
    rng = np.random.default_rng(3)
    for n, m, k, n_iter in [(12, 9, 3, 50), (20, 15, 4, 120), (8, 6, 1, 7), (5, 30, 5, 1)]:
        X = rng.poisson(2, (n, m)).astype(float)
        W0, H0 = nonneg(rng, (n, k)), nonneg(rng, (k, m))
        sW, sH, sloss = sklearn_mu(X, W0, H0, n_iter)
        W, H, losses = lab.nmf(X, k, n_iter, 1e-10, W0, H0)
        assert_close(W, sW, rtol=1e-6, atol=1e-8, what=f"W after {n_iter} iterations")
        assert_close(H, sH, rtol=1e-6, atol=1e-8, what=f"H after {n_iter} iterations")
        check(len(losses) == n_iter + 1, "losses should have n_iter + 1 values")
        assert_close(losses[-1], sloss, rtol=1e-7, atol=1e-9, what="the last loss")
        assert_close(losses[0], 0.5 * np.sum((X - W0 @ H0) ** 2), rtol=1e-12, atol=1e-12, what="the first loss")


@pytest.mark.points(3)
def test_nmf_losses_monotone(lab):
    """nmf's losses never increase, match the returned factors, and W, H stay non-negative."""
    rng = np.random.default_rng(4)
    X = rng.poisson(1.5, (15, 12))
    W, H, losses = lab.nmf(X, 4, 60, 1e-10, None, None, 7)
    losses = np.asarray(losses, dtype=float)
    check(losses.shape == (61,), "losses should have n_iter + 1 values")
    check(W.shape == (15, 4) and H.shape == (4, 12), "W and H have the wrong shapes")
    check(np.all(W >= 0) and np.all(H >= 0), "W and H must stay non-negative")
    check(np.all(np.diff(losses) <= 1e-9 * losses[0]), "the loss must not increase from one update to the next")
    check(losses[-1] < 0.8 * losses[0], "sixty updates should reduce the loss")
    assert_close(losses[-1], 0.5 * np.sum((X - W @ H) ** 2), rtol=1e-10, atol=1e-10, what="the last loss")
    # each loss is the loss after one more update: replay the updates from the same start
    W0, H0, _ = lab.nmf(X, 4, 0, 1e-10, None, None, 7)
    Wr, Hr = W0, H0
    for step in range(1, 4):
        Wr, Hr = mu_step(X.astype(float), Wr, Hr, 1e-10)
        assert_close(losses[step], 0.5 * np.sum((X - Wr @ Hr) ** 2), rtol=1e-9, atol=1e-9, what=f"loss {step}")


@pytest.mark.points(3)
def test_nmf_random_init(lab):
    """nmf draws missing factors as sqrt(mean(X)/k)·|N(0,1)|, reproducibly per seed, advancing a Generator."""
    rng = np.random.default_rng(5)
    X = rng.poisson(4, (300, 200)).astype(float)
    k = 5
    W, H, losses = lab.nmf(X, k, 0, 1e-10, None, None, 11)
    check(len(losses) == 1, "n_iter = 0 gives one loss")
    scale = math.sqrt(X.mean() / k)
    for name, F in (("W", W), ("H", H)):
        values = np.asarray(F).ravel() / scale
        check(np.all(values >= 0), f"the random {name} must be non-negative")
        assert_close(values.mean(), math.sqrt(2 / math.pi), atol=0.03, rtol=0, what=f"mean of the random {name} / scale")
        assert_close(np.mean(values ** 2), 1.0, atol=0.05, rtol=0, what=f"mean square of the random {name} / scale")
        check(len(np.unique(values)) == values.size, f"the entries of the random {name} should all differ")
    W2, H2, _ = lab.nmf(X, k, 0, 1e-10, None, None, 11)
    check(np.array_equal(W, W2) and np.array_equal(H, H2), "the same int seed must give the same start")
    W3, _, _ = lab.nmf(X, k, 0, 1e-10, None, None, 12)
    check(not np.array_equal(W, W3), "another seed should give another start")
    gen = worker_rng(lab, 3)
    Wa, _, _ = lab.nmf(X[:20, :10], 2, 0, 1e-10, None, None, gen)
    Wb, _, _ = lab.nmf(X[:20, :10], 2, 0, 1e-10, None, None, gen)
    check(not np.array_equal(Wa, Wb), "a Generator must be used as given: its second use should draw new values")
    # only the missing factor is drawn
    W0 = nonneg(rng, (300, k))
    Wg, Hg, _ = lab.nmf(X, k, 0, 1e-10, W0, None, 1)
    check(np.array_equal(Wg, W0), "a given W0 must be used as is")
    check(Hg.shape == (k, 200) and np.all(Hg >= 0), "the missing H0 should be drawn")
    H0 = nonneg(rng, (k, 200))
    Wg, Hg, _ = lab.nmf(X, k, 0, 1e-10, None, H0, 1)
    check(np.array_equal(Hg, H0) and Wg.shape == (300, k), "a given H0 must be used as is")


@pytest.mark.points(2)
def test_nmf_named_values(lab):
    """nmf with n_iter = 0 returns the start; defaults run 200 updates; k = 1 and a large eps work."""
    rng = np.random.default_rng(6)
    X = rng.poisson(2, (7, 5))
    W0, H0 = nonneg(rng, (7, 2)), nonneg(rng, (2, 5))
    W, H, losses = lab.nmf(X, 2, 0, 1e-10, W0, H0)
    check(np.array_equal(W, W0) and np.array_equal(H, H0), "n_iter = 0 must return the starting factors")
    Wk, _, _ = lab.nmf(X, 300, 1, 1e-10, np.ones((7, 300)), np.ones((300, 5)))
    check(np.asarray(Wk).shape == (7, 300), "nmf with 300 components")
    check(len(losses) == 1, "n_iter = 0 gives one loss")
    W, H, losses = lab.nmf(X, 2, W0=W0, H0=H0)
    check(len(losses) == 201, "the default n_iter is 200")
    sW, sH, _ = sklearn_mu(X.astype(float), W0, H0, 200)
    assert_close(H, sH, rtol=1e-6, atol=1e-8, what="H after the default 200 updates")
    W, H, _ = lab.nmf(X, 1, 3, 0.75, W0[:, :1], H0[:1])
    Wr, Hr = W0[:, :1], H0[:1]
    for _ in range(3):
        Wr, Hr = mu_step(X.astype(float), Wr, Hr, 0.75)
    assert_close(W, Wr, rtol=1e-12, atol=1e-14, what="W with k = 1 and eps = 0.75")
    assert_close(H, Hr, rtol=1e-12, atol=1e-14, what="H with k = 1 and eps = 0.75")


@pytest.mark.points(2)
def test_nmf_errors(lab):
    """nmf raises ValueError for k < 1, n_iter < 0, eps <= 0, negative X, wrong W0/H0 shapes; TypeError for bad types."""
    X = np.ones((4, 3))
    lab.nmf(X, 1, 1, 1e-10, None, None, 0)
    for args in [(X, 0), (X, 2, -1), (X, 2, 5, 0.0), (-X, 2), (X, 2, 5, 1e-10, np.ones((4, 3))),
                 (X, 2, 5, 1e-10, None, np.ones((3, 3))), (X, 2, 0, 1e-10, np.ones((4, 1)), np.ones((1, 3))),
                 (X, 2, 0, 1e-10, np.ones((4, 3)), np.ones((3, 3))), (X, 2, 0, 1e-10, np.ones((1, 2)), np.ones((2, 3)))]:
        with pytest.raises(ValueError):
            lab.nmf(*args, rng=0) if len(args) < 7 else lab.nmf(*args)
    for args in [(X, 2.0), (X, True), (X, 2, 3.0), (X, 2, 3, 1e-10, None, None, 1.5),
                 (X, 2, 3, 1e-10, None, None, True)]:
        with pytest.raises(TypeError):
            lab.nmf(*args)


# ---- planted corpora --------------------------------------------------------------------------------------------


def planted_corpus(seed, K=3, V=30, D=40, L=30, own=10, doc_alpha=0.5):
    """Documents drawn from K topics with disjoint supports of `own` words (plus a little noise)."""
    rng = np.random.default_rng(seed)
    phi = np.full((K, V), 1e-3)
    perm = rng.permutation(V)
    supports = [set(perm[k * own:(k + 1) * own].tolist()) for k in range(K)]
    for k in range(K):
        phi[k, perm[k * own:(k + 1) * own]] = rng.uniform(0.5, 1.5, own)
    phi /= phi.sum(1, keepdims=True)
    # each document leans on one topic (in turn, so the topics are balanced) and mixes in the others
    theta = 0.7 * np.eye(K)[np.arange(D) % K] + 0.3 * rng.dirichlet(np.full(K, doc_alpha), D)
    docs = []
    for d in range(D):
        zs = rng.choice(K, L, p=theta[d])
        docs.append([int(rng.choice(V, p=phi[k])) for k in zs])
    X = np.zeros((D, V), dtype=np.int64)
    for d, doc in enumerate(docs):
        np.add.at(X[d], doc, 1)
    return docs, X, supports


def topword_sets(weights, n):
    order = np.argsort(-np.asarray(weights, dtype=float), axis=1, kind="stable")[:, :n]
    return [set(row.tolist()) for row in order]


def recovery(sets_a, sets_b):
    """Mean overlap of the best one-to-one matching of two lists of word sets (Hungarian)."""
    M = np.array([[len(a & b) / max(len(a), 1) for b in sets_b] for a in sets_a])
    rows, cols = linear_sum_assignment(-M)
    return M[rows, cols].mean()


@pytest.mark.points(4)
def test_nmf_recovers_planted_topics(lab):
    """NMF's topics (rows of H) recover planted topics on generated corpora, like scikit-learn's NMF."""
    for seed in (10, 11, 12):
        _, X, supports = planted_corpus(seed)
        _, H, _ = lab.nmf(X, 3, 200, 1e-10, None, None, seed)
        got = recovery(supports, topword_sets(H, 10))
        check(got >= 0.8, f"NMF topics do not match the planted ones (corpus {seed})")
        peer = NMF(3, init="nndsvda", max_iter=500).fit(X).components_
        check(recovery(topword_sets(peer, 10), topword_sets(H, 10)) >= 0.8,
              f"NMF topics do not match scikit-learn's (corpus {seed})")


# ---- LDA: counts, init, conditional -----------------------------------------------------------------------------


def counts_by_loops(docs, z, K, V):
    n_dk = np.zeros((len(docs), K), dtype=np.int64)
    n_kw = np.zeros((K, V), dtype=np.int64)
    for d, doc in enumerate(docs):
        for w, k in zip(doc, z[d]):
            n_dk[d, k] += 1
            n_kw[k, w] += 1
    return n_dk, n_kw, n_kw.sum(1)


def check_state(state, docs, K, V, what):
    check(set(state) >= {"z", "n_dk", "n_kw", "n_k"}, f"{what}: the state needs keys z, n_dk, n_kw, n_k")
    z = [np.asarray(zd) for zd in state["z"]]
    check(len(z) == len(docs) and all(len(zd) == len(doc) for zd, doc in zip(z, docs)),
          f"{what}: z must have one topic per token")
    check(all(np.all((zd >= 0) & (zd < K)) for zd in z), f"{what}: topics out of range")
    n_dk, n_kw, n_k = counts_by_loops(docs, z, K, V)
    for key, expected in (("n_dk", n_dk), ("n_kw", n_kw), ("n_k", n_k)):
        got = np.asarray(state[key])
        check(got.dtype.kind in "iu", f"{what}: {key} should be an integer array")
        check(got.shape == expected.shape and np.array_equal(got, expected), f"{what}: {key} does not match z")
    check(np.array_equal(np.asarray(state["n_dk"]).sum(1), [len(doc) for doc in docs]),
          f"{what}: the rows of n_dk must sum to the document lengths")
    return z


@pytest.mark.points(4)
def test_lda_counts(lab):
    """lda_counts builds n_dk, n_kw, n_k from an assignment, for lists, tuples, arrays and empty documents."""
    rng = np.random.default_rng(20)
    K, V = 4, 9
    docs = [rng.integers(0, V, n).tolist() for n in (5, 0, 12, 1, 7)]
    z = [rng.integers(0, K, len(doc)).tolist() for doc in docs]
    for d_in, z_in in [(docs, z), (tuple(tuple(d) for d in docs), tuple(tuple(t) for t in z)),
                       ([np.array(d, dtype=np.int32) for d in docs], [np.array(t, dtype=np.int64) for t in z])]:
        state = lab.lda_counts(d_in, z_in, K, V)
        got_z = check_state(state, docs, K, V, "lda_counts")
        check(all(np.array_equal(a, b) for a, b in zip(got_z, z)), "lda_counts: z should be a copy of the given z")
    state = lab.lda_counts([[3, 3, 3]], [[1, 1, 1]], 2, 4)
    check(np.array_equal(state["n_kw"], [[0, 0, 0, 0], [0, 0, 0, 3]]), "a repeated word must be counted each time")


@pytest.mark.points(2)
def test_lda_counts_errors(lab):
    """lda_counts raises ValueError for ids out of range, mismatched z, and n_topics or n_words < 1."""
    docs, z = [[0, 1], [2]], [[0, 1], [1]]
    lab.lda_counts(docs, z, 2, 3)
    for args in [(docs, z, 2, 2), ([[0, -1], [2]], z, 2, 3), (docs, [[0, 2], [1]], 2, 3), (docs, [[0, -1], [1]], 2, 3),
                 (docs, [[0, 1]], 2, 3), (docs, [[0], [1]], 2, 3), (docs, z, 0, 3), ([[]], [[]], 1, 0),
                 (docs, z + [[]], 2, 3), ([[]], [[]], 0, 3), ([[0, 5], [2]], z, 2, 3), ([[0.0, 1.0], [2]], z, 2, 3),
                 ([3, [2]], [[0], [1]], 2, 4), ([[[0, 1]], [2]], z, 2, 3)]:
        with pytest.raises(ValueError):
            lab.lda_counts(*args)
    many = lab.lda_counts([[d % 3] for d in range(300)], [[d % 2] for d in range(300)], 2, 3)
    check(np.asarray(many["n_dk"]).shape == (300, 2) and int(np.asarray(many["n_k"]).sum()) == 300,
          "lda_counts with 300 documents")
    state = lab.lda_counts([[0, 0], []], [[0, 0], []], 1, 1)
    check(np.array_equal(state["n_kw"], [[2]]) and np.array_equal(state["n_dk"], [[2], [0]]),
          "lda_counts with one topic and one word")


@pytest.mark.points(3)
def test_lda_init_uniform(lab):
    """lda_init draws each token's topic uniformly and independently, reproducibly per seed."""
    rng = np.random.default_rng(21)
    K, V = 4, 50
    docs = [rng.integers(0, V, n).tolist() for n in rng.integers(0, 400, 30)]
    docs[3] = []
    state = lab.lda_init(docs, K, V, 5)
    z = check_state(state, docs, K, V, "lda_init")
    flat = np.concatenate(z)
    freq = np.bincount(flat, minlength=K) / flat.size
    sigma = math.sqrt((1 / K) * (1 - 1 / K) / flat.size)
    check(np.all(np.abs(freq - 1 / K) < 5 * sigma), "lda_init's topics should be uniform over the topics")
    same_next = np.mean(flat[1:] == flat[:-1])
    check(abs(same_next - 1 / K) < 0.03, "lda_init's topics should be independent from token to token")
    per_doc = [np.bincount(zd, minlength=K) for zd in z if len(zd) > 100]
    check(all(np.count_nonzero(c) == K for c in per_doc), "each long document should receive every topic")
    again = lab.lda_init(docs, K, V, 5)
    check(all(np.array_equal(a, b) for a, b in zip(again["z"], z)), "the same int seed must give the same start")
    other = lab.lda_init(docs, K, V, 6)
    check(not all(np.array_equal(a, b) for a, b in zip(other["z"], z)), "another seed should give another start")
    gen = worker_rng(lab, 1)
    first, second = lab.lda_init(docs, K, V, gen), lab.lda_init(docs, K, V, gen)
    check(not all(np.array_equal(a, b) for a, b in zip(first["z"], second["z"])),
          "a Generator must be used as given: its second use should draw new values")


def conditional(docs, z, d, i, alpha, beta, K, V):
    """p(z_di = k | rest) written out with the token's own counts removed."""
    n_dk, n_kw, n_k = counts_by_loops(docs, z, K, V)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (K,))
    w, old = docs[d][i], z[d][i]
    p = np.empty(K)
    for k in range(K):
        own = 1 if k == old else 0
        p[k] = (n_dk[d, k] - own + alpha[k]) * (n_kw[k, w] - own + beta) / (n_k[k] - own + V * beta)
    return p / p.sum()


@pytest.mark.points(8)
def test_gibbs_conditional_formula(lab):
    """gibbs_conditional equals the collapsed conditional with the token's own counts removed."""
    rng = np.random.default_rng(22)
    for K, V, alpha, beta in [(3, 6, 0.1, 0.01), (2, 4, 0.5, 0.5), (5, 12, [0.05, 0.2, 1.0, 3.0, 0.5], 0.1),
                              (4, 3, 2.0, 1e-3), (3, 40, np.array([1.0, 0.1, 0.1]), 0.05)]:
        docs = [rng.integers(0, V, n).tolist() for n in (6, 1, 9, 4)]
        z = [rng.integers(0, K, len(doc)).tolist() for doc in docs]
        n_dk, n_kw, n_k = counts_by_loops(docs, z, K, V)
        state = {"z": [np.array(t) for t in z], "n_dk": n_dk, "n_kw": n_kw, "n_k": n_k}
        positions = [(d, i) for d, doc in enumerate(docs) for i in range(len(doc))]
        got = lab.map(lab.gibbs_conditional, [(docs, state, d, i, alpha, beta) for d, i in positions])
        for (d, i), g in zip(positions, got):
            expected = conditional(docs, z, d, i, alpha, beta, K, V)
            assert_close(g, expected, rtol=1e-10, atol=1e-13, what=f"p(z | rest) of token {i} of document {d}")
    # a token alone: only the priors are left for it
    state = lab.lda_counts([[2]], [[1]], 3, 4)
    assert_close(lab.gibbs_conditional([[2]], state, 0, 0, [1.0, 2.0, 1.0], 0.5), np.array([0.25, 0.5, 0.25]),
                 rtol=1e-12, atol=1e-14, what="the conditional of the only token")


@pytest.mark.points(2)
def test_gibbs_conditional_edges(lab):
    """gibbs_conditional: one topic gives [1]; the state is unchanged; bad indices and priors raise."""
    docs = [[0, 1, 1], [2]]
    state = lab.lda_counts(docs, [[0, 0, 0], [0]], 1, 3)
    assert_close(lab.gibbs_conditional(docs, state, 0, 2, 0.1, 0.1), np.array([1.0]), atol=1e-12, rtol=0,
                 what="the conditional with one topic")
    state = lab.lda_counts(docs, [[0, 1, 1], [1]], 2, 3)
    before = {k: np.array(v) for k, v in state.items() if k != "z"}
    lab.gibbs_conditional(docs, state, 1, 0, 0.1, 0.1)
    check(all(np.array_equal(state[k], v) for k, v in before.items()), "gibbs_conditional must not change the state")
    for d, i in [(2, 0), (1, 1), (-1, 0), (0, -1), (0, 3)]:
        with pytest.raises(IndexError):
            lab.gibbs_conditional(docs, state, d, i, 0.1, 0.1)
    for alpha, beta in [(0.0, 0.1), (0.1, 0.0), (-1.0, 0.1), ([0.1, 0.1, 0.1], 0.1), ([0.1, 0.0], 0.1), ([0.5], 0.1)]:
        with pytest.raises(ValueError):
            lab.gibbs_conditional(docs, state, 0, 0, alpha, beta)


# ---- LDA: sweeps and chains --------------------------------------------------------------------------------------


def sweep_distribution(docs, z0, alpha, beta, K, V):
    """Exact distribution of the assignment after one systematic sweep from z0: {flat tuple: probability}."""
    positions = [(d, i) for d, doc in enumerate(docs) for i in range(len(doc))]
    dist = {}

    def walk(z, step, prob):
        if step == len(positions):
            key = tuple(t for zd in z for t in zd)
            dist[key] = dist.get(key, 0.0) + prob
            return
        d, i = positions[step]
        p = conditional(docs, z, d, i, alpha, beta, K, V)
        for k in range(K):
            z2 = [list(zd) for zd in z]
            z2[d][i] = k
            walk(z2, step + 1, prob * p[k])

    walk([list(zd) for zd in z0], 0, 1.0)
    return dist


def unflatten(key, docs):
    out, pos = [], 0
    for doc in docs:
        out.append(list(key[pos:pos + len(doc)]))
        pos += len(doc)
    return out


def compare_frequencies(samples, dist, what):
    n = len(samples)
    counts = {}
    for s in samples:
        counts[s] = counts.get(s, 0) + 1
    check(set(counts) <= set(dist), f"{what}: an impossible assignment was drawn")
    for key, p in dist.items():
        freq = counts.get(key, 0) / n
        sigma = math.sqrt(p * (1 - p) / n)
        check(abs(freq - p) <= 5 * sigma + 2e-3, f"{what}: the frequencies of the assignments are off")
    chi2 = sum((counts.get(key, 0) - n * p) ** 2 / (n * p) for key, p in dist.items() if p > 0)
    dof = len(dist) - 1
    check(chi2 < dof + 6 * math.sqrt(2 * dof) + 5, f"{what}: the distribution of the assignments is off")


SWEEP_CASES = [  # docs, z0, alpha, beta, K, V
    ([[0, 1], [1]], [[0, 1], [0]], 0.3, 0.1, 2, 3),
    ([[2, 0, 2]], [[2, 2, 0]], [0.2, 0.5, 1.0], 0.05, 3, 3),
    ([[0], [0, 1]], [[1], [1, 0]], 1.0, 0.02, 2, 2),
]


@pytest.mark.points(3)
@pytest.mark.parametrize("case", range(len(SWEEP_CASES)), ids=["two-docs", "asymmetric-alpha", "small-beta"])
def test_gibbs_sweep_transition(lab, case):
    """One gibbs_sweep draws the next assignment with the exact systematic-scan probabilities."""
    docs, z0, alpha, beta, K, V = SWEEP_CASES[case]
    state = lab.lda_counts(docs, z0, K, V)
    dist = sweep_distribution(docs, z0, alpha, beta, K, V)
    n = 3000
    results = lab.map(lab.gibbs_sweep, [(docs, state, alpha, beta, 1000 + s) for s in range(n)])
    samples = []
    for r in results[:50]:
        check_state(r, docs, K, V, "gibbs_sweep")
    for r in results:
        samples.append(tuple(int(t) for zd in r["z"] for t in zd))
    compare_frequencies(samples, dist, "one sweep")


@pytest.mark.points(4)
def test_gibbs_sweep_invariants(lab):
    """After sweeps on a larger corpus the counts match z, keep the corpus totals, and the input is unchanged."""
    rng = np.random.default_rng(23)
    K, V = 5, 25
    docs = [rng.integers(0, V, n).tolist() for n in rng.integers(0, 60, 25)]
    docs[0] = []
    state = lab.lda_init(docs, K, V, 3)
    z_start = [np.array(zd) for zd in state["z"]]
    counts_start = {k: np.array(state[k]) for k in ("n_dk", "n_kw", "n_k")}
    word_totals = np.bincount(np.concatenate([np.asarray(d, dtype=int) for d in docs]), minlength=V)
    current, changed = state, False
    for sweep in range(4):
        current = lab.gibbs_sweep(docs, current, 0.1, 0.01, 50 + sweep)
        z = check_state(current, docs, K, V, f"gibbs_sweep {sweep + 1}")
        check(np.array_equal(np.asarray(current["n_kw"]).sum(0), word_totals),
              "the counts of each word over the topics must stay the corpus counts")
        check(int(np.asarray(current["n_k"]).sum()) == int(word_totals.sum()), "n_k must sum to the number of tokens")
        changed = changed or not all(np.array_equal(a, b) for a, b in zip(z, z_start))
    check(changed, "gibbs_sweep should change some topics")
    check(all(np.array_equal(a, np.asarray(b)) for a, b in zip(z_start, state["z"])) and
          all(np.array_equal(v, state[k]) for k, v in counts_start.items()), "gibbs_sweep must not change its input state")
    a = lab.gibbs_sweep(docs, state, 0.1, 0.01, 9)
    b = lab.gibbs_sweep(docs, state, 0.1, 0.01, 9)
    check(all(np.array_equal(x, y) for x, y in zip(a["z"], b["z"])), "the same int seed must give the same sweep")
    gen = worker_rng(lab, 2)
    a, b = lab.gibbs_sweep(docs, state, 0.1, 0.01, gen), lab.gibbs_sweep(docs, state, 0.1, 0.01, gen)
    check(not all(np.array_equal(x, y) for x, y in zip(a["z"], b["z"])),
          "a Generator must be used as given: its second use should draw new values")


def chain_distribution(docs, alpha, beta, K, V, n_iter):
    """Exact distribution after lda_init (uniform) and n_iter sweeps, by the enumerated transition matrix."""
    n_tokens = sum(len(d) for d in docs)
    keys = list(itertools.product(range(K), repeat=n_tokens))
    index = {key: j for j, key in enumerate(keys)}
    P = np.zeros((len(keys), len(keys)))
    for j, key in enumerate(keys):
        for nxt, p in sweep_distribution(docs, unflatten(key, docs), alpha, beta, K, V).items():
            P[j, index[nxt]] += p
    dist = np.full(len(keys), 1.0 / len(keys))
    for _ in range(n_iter):
        dist = dist @ P
    return {key: dist[j] for j, key in enumerate(keys)}


@pytest.mark.points(4)
def test_lda_gibbs_chain_distribution(lab):
    """lda_gibbs (uniform start, then sweeps) reaches the exact distribution of the chain after n_iter sweeps."""
    docs, alpha, beta, K, V, n_iter = [[0, 1], [1, 1]], 0.4, 0.05, 2, 2, 2
    dist = chain_distribution(docs, alpha, beta, K, V, n_iter)
    n = 2500
    results = lab.map(lab.lda_gibbs, [(docs, K, V, alpha, beta, n_iter, 7000 + s) for s in range(n)])
    samples = [tuple(int(t) for zd in r["z"] for t in zd) for r in results]
    compare_frequencies(samples, dist, "lda_gibbs after two sweeps")


def estimates(state, alpha, beta, K):
    n_dk, n_kw = np.asarray(state["n_dk"], dtype=float), np.asarray(state["n_kw"], dtype=float)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (K,))
    theta = (n_dk + alpha) / (n_dk.sum(1, keepdims=True) + alpha.sum())
    phi = (n_kw + beta) / (n_kw.sum(1, keepdims=True) + n_kw.shape[1] * beta)
    return theta, phi


@pytest.mark.points(3)
def test_lda_gibbs_estimates(lab):
    """lda_gibbs returns theta and phi from its final counts, for symmetric and asymmetric priors and n_iter = 0."""
    rng = np.random.default_rng(24)
    K, V = 3, 12
    docs = [rng.integers(0, V, n).tolist() for n in (10, 0, 7, 15)]
    for alpha, beta, n_iter in [(0.1, 0.01, 5), ([0.2, 1.0, 3.0], 0.5, 3), (1.0, 2.0, 0)]:
        result = lab.lda_gibbs(docs, K, V, alpha, beta, n_iter, 4)
        check_state(result, docs, K, V, "lda_gibbs")
        theta, phi = estimates(result, alpha, beta, K)
        assert_close(result["theta"], theta, rtol=1e-12, atol=1e-14, what="theta")
        assert_close(result["phi"], phi, rtol=1e-12, atol=1e-14, what="phi")
        a = np.broadcast_to(np.asarray(alpha, dtype=float), (K,))
        assert_close(result["theta"][1], a / a.sum(), rtol=1e-12, atol=1e-14, what="theta of the empty document")
    default = lab.lda_gibbs(docs, K, V, rng=8)
    theta, phi = estimates(default, 0.1, 0.01, K)
    assert_close(default["phi"], phi, rtol=1e-12, atol=1e-14, what="phi with the default priors")
    assert_close(default["theta"], theta, rtol=1e-12, atol=1e-14, what="theta with the default priors")


@pytest.mark.points(6)
def test_lda_recovers_planted_topics(lab):
    """lda_gibbs recovers planted topics on generated corpora and agrees with scikit-learn's LDA."""
    for seed in (30, 31, 32):
        docs, X, supports = planted_corpus(seed)
        result = lab.lda_gibbs(docs, 3, 30, 0.5, 0.1, 30, seed)
        check_state(result, docs, 3, 30, "lda_gibbs")
        got = recovery(supports, topword_sets(result["phi"], 10))
        check(got >= 0.8, f"LDA topics do not match the planted ones (corpus {seed})")
        peer = LatentDirichletAllocation(3, learning_method="batch", max_iter=50, random_state=seed).fit(X)
        check(recovery(topword_sets(peer.components_, 10), topword_sets(result["phi"], 10)) >= 0.8,
              f"LDA topics do not match scikit-learn's (corpus {seed})")
        # document d leans on planted topic d % 3: its theta should peak at the matching topic
        theta = np.asarray(result["theta"])
        check(np.all(np.abs(theta.sum(1) - 1) < 1e-9), "theta rows must sum to 1")
        sets = topword_sets(result["phi"], 10)
        match = linear_sum_assignment(-np.array([[len(a & b) for b in sets] for a in supports]))[1]
        lean = np.mean(theta.argmax(1) == match[np.arange(len(docs)) % 3])
        check(lean >= 0.8, f"theta does not pick out each document's main topic (corpus {seed})")


@pytest.mark.points(2)
def test_lda_errors(lab):
    """lda_gibbs, lda_init and gibbs_sweep raise ValueError / TypeError for bad arguments."""
    docs = [[0, 1], [2]]
    lab.lda_gibbs(docs, 2, 3, 0.1, 0.01, 1, 0)
    single = lab.lda_gibbs([[0, 0], [0]], 1, 1, 0.1, 0.01, 2, 0)
    assert_close(single["theta"], np.ones((2, 1)), atol=1e-12, rtol=0, what="theta with one topic")
    assert_close(single["phi"], np.ones((1, 1)), atol=1e-12, rtol=0, what="phi with one topic and one word")
    init = lab.lda_init([[0, 0, 0]], 1, 1, 0)
    check(np.array_equal(init["n_kw"], [[3]]), "lda_init with one topic and one word")
    for args in [(docs, 0, 3), (docs, 2, 3, 0.0), (docs, 2, 3, 0.1, 0.0), (docs, 2, 3, 0.1, 0.01, -1),
                 ([[0, 3]], 2, 3), (docs, 2, 3, [0.1, 0.1, 0.1]), (docs, 3, 3, [0.5])]:
        with pytest.raises(ValueError):
            lab.lda_gibbs(*args, rng=0) if len(args) < 7 else lab.lda_gibbs(*args)
    for args in [(docs, 2, 3, 0.1, 0.01, 1.5, 0), (docs, 2, 3, 0.1, 0.01, 1, 1.5), (docs, 2, 3, 0.1, 0.01, 1, True),
                 (docs, 2.0, 3, 0.1, 0.01, 1, 0)]:
        with pytest.raises(TypeError):
            lab.lda_gibbs(*args)
    with pytest.raises(TypeError):
        lab.lda_init(docs, 2, 3, 0.5)
    state = lab.lda_counts(docs, [[0, 1], [1]], 2, 3)
    for alpha, beta in [(0.0, 0.1), (0.1, -1.0)]:
        with pytest.raises(ValueError):
            lab.gibbs_sweep(docs, state, alpha, beta, 0)
    with pytest.raises(TypeError):
        lab.gibbs_sweep(docs, state, 0.1, 0.1, "seed")


# ---- top words and coherence -------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_top_words(lab):
    """top_words gives each topic's n best word ids, ties by the smaller id; errors for bad n."""
    weights = np.array([[0.1, 0.5, 0.5, 0.0, 0.9], [3.0, 3.0, 3.0, 3.0, 3.0], [0.0, 0.0, 1e-300, 0.0, -1.0]])
    got = lab.top_words(weights, 3)
    check(np.asarray(got).dtype.kind in "iu", "top_words should return integer ids")
    check(np.array_equal(got, [[4, 1, 2], [0, 1, 2], [2, 0, 1]]), "top_words is wrong (best first, ties by smaller id)")
    check(np.array_equal(lab.top_words(weights.tolist(), 5)[0], [4, 1, 2, 0, 3]), "top_words with n = n_words")
    check(np.array_equal(lab.top_words(weights, 1), [[4], [0], [2]]), "top_words with n = 1")
    rng = np.random.default_rng(40)
    big = rng.random((6, 50))
    check(np.array_equal(lab.top_words(big, 7), np.argsort(-big, axis=1)[:, :7]), "top_words on random weights")
    for n in (0, 6):
        with pytest.raises(ValueError):
            lab.top_words(weights, n)
    for bad in (weights[0], weights[:, :, None]):
        with pytest.raises(ValueError):
            lab.top_words(bad, 2)
    with pytest.raises(TypeError):
        lab.top_words(weights, 2.0)


def doc_sets(doc_word):
    return [set(np.flatnonzero(np.asarray(row) > 0).tolist()) for row in doc_word]


def umass_by_loops(words, doc_word, eps):
    docs = doc_sets(doc_word)
    total, pairs = 0.0, 0
    for m in range(1, len(words)):
        for l in range(m):
            both = sum(1 for d in docs if words[m] in d and words[l] in d)
            single = sum(1 for d in docs if words[l] in d)
            total += math.log((both + eps) / single)
            pairs += 1
    return total / pairs


def npmi_by_loops(words, doc_word):
    docs = doc_sets(doc_word)
    n = len(docs)
    scores = []
    for a, b in itertools.combinations(words, 2):
        pa = sum(1 for d in docs if a in d) / n
        pb = sum(1 for d in docs if b in d) / n
        pab = sum(1 for d in docs if a in d and b in d) / n
        if pab == 0:
            scores.append(-1.0)
        elif pab == 1:
            scores.append(1.0)
        else:
            scores.append(math.log2(pab / (pa * pb)) / -math.log2(pab))
    return sum(scores) / len(scores)


def coherence_cases(seed):
    rng = np.random.default_rng(seed)
    doc_word = rng.poisson(0.6, (40, 15))
    doc_word[:, 0] = np.maximum(doc_word[:, 0], 1)   # a word in every document
    doc_word[:, 14] = 0
    doc_word[3, 14] = 2                              # a rare word
    doc_word[:, 13] = 0
    doc_word[5, 13] = 1                              # another rare word, never with 14
    lists = [[0, 1, 2], [2, 1, 0], [5, 3, 9, 11, 7, 1], [14, 13], [13, 14, 0], [0, 14], list(range(13))]
    lists += [rng.choice(13, size=int(rng.integers(2, 8)), replace=False).tolist() for _ in range(10)]
    return doc_word, lists


@pytest.mark.points(5)
def test_umass_matches_counts(lab):
    """umass_coherence is the mean of ln((D(w_m, w_l) + eps) / D(w_l)) over ranked pairs, for several eps."""
    doc_word, lists = coherence_cases(41)
    for eps in (1.0, 0.5, 1e-12, 3.0):
        args = [(words, doc_word, eps) if eps != 1.0 else (words, doc_word) for words in lists]
        got = lab.map(lab.umass_coherence, args)
        for words, g in zip(lists, got):
            check(isinstance(g, float), "umass_coherence should return a Python float")
            assert_close(g, umass_by_loops(words, doc_word, eps), rtol=1e-10, atol=1e-12,
                         what=f"UMass of {len(words)} words (eps={eps})")


@pytest.mark.points(5)
def test_npmi_matches_counts(lab):
    """npmi_coherence is the mean pairwise NPMI from document frequencies, -1 for never together, 1 for always."""
    doc_word, lists = coherence_cases(42)
    got = lab.map(lab.npmi_coherence, [(words, doc_word) for words in lists])
    for words, g in zip(lists, got):
        check(isinstance(g, float), "npmi_coherence should return a Python float")
        assert_close(g, npmi_by_loops(words, doc_word), rtol=1e-10, atol=1e-12, what=f"NPMI of {len(words)} words")
    assert_close(lab.npmi_coherence([13, 14], doc_word), -1.0, atol=1e-12, rtol=0, what="NPMI of words never together")
    always = np.ones((4, 3), dtype=np.int64)
    assert_close(lab.npmi_coherence([0, 2], always), 1.0, atol=1e-12, rtol=0, what="NPMI of words in every document")
    indep = np.array([[1, 1], [1, 0], [0, 1], [0, 0]])
    assert_close(lab.npmi_coherence([0, 1], indep), 0.0, atol=1e-12, rtol=0, what="NPMI of independent words")
    same = np.array([[1, 1], [0, 0], [2, 5], [0, 0]])
    assert_close(lab.npmi_coherence([1, 0], same), 1.0, atol=1e-12, rtol=0, what="NPMI of words always together")


@pytest.mark.points(2)
def test_coherence_input_types(lab):
    """Coherence accepts word ids as list, tuple or array and counts as int, float, bool or nested lists."""
    doc_word, _ = coherence_cases(43)
    words = [4, 2, 7, 1]
    eu, en = umass_by_loops(words, doc_word, 1.0), npmi_by_loops(words, doc_word)
    for w in (words, tuple(words), np.array(words, dtype=np.int32)):
        for dw in (doc_word, doc_word.astype(float) * 0.5, doc_word > 0, doc_word.tolist()):
            assert_close(lab.umass_coherence(w, dw), eu, rtol=1e-10, atol=1e-12, what="UMass for another input type")
            assert_close(lab.npmi_coherence(w, dw), en, rtol=1e-10, atol=1e-12, what="NPMI for another input type")


@pytest.mark.points(2)
def test_coherence_errors(lab):
    """Coherence raises ValueError for < 2 words, repeats, bad ids, a word in no document, eps <= 0, negative counts."""
    doc_word = np.array([[1, 0, 2, 0], [0, 1, 1, 0], [3, 1, 0, 0]])
    lab.umass_coherence([0, 1], doc_word)
    lab.npmi_coherence([0, 1], doc_word)
    bad_lists = [[0], [], [1, 1], [0, 4], [0, -1], [0, 3]]
    wide = np.array([[1, 0, 2, 1, 1, 1], [0, 1, 1, 0, 2, 1], [3, 1, 0, 1, 1, 1]])
    for fn in (lab.umass_coherence, lab.npmi_coherence):
        for words in bad_lists:
            with pytest.raises(ValueError):
                fn(words, doc_word)
        with pytest.raises(ValueError):
            fn([0, 1], -doc_word)
        fn([0, 4], wide)
        fn(list(range(300)), np.ones((2, 300)))
        for words in ([0, -1], [0, 6], [0, 9], [[0, 1]], 3, [0.0, 1.0]):
            with pytest.raises(ValueError):
                fn(words, wide)
        for bad in (wide[0], wide[:, :, None], np.zeros((0, 6))):
            with pytest.raises(ValueError):
                fn([0, 1], bad)
    for eps in (0.0, -1.0):
        with pytest.raises(ValueError):
            lab.umass_coherence([0, 1], doc_word, eps)


@pytest.mark.points(3)
def test_topic_coherence(lab):
    """topic_coherence scores each topic's top words by either measure; planted topics beat shuffled ones."""
    _, X, supports = planted_corpus(50, D=60)
    rng = np.random.default_rng(51)
    weights = rng.random((3, 30)) * 0.1
    for k, support in enumerate(supports):
        weights[k, sorted(support)] += 1.0
    for measure, fn in (("umass", umass_by_loops), ("npmi", None)):
        for n in (2, 5, 10):
            got = lab.topic_coherence(weights, X, n, measure)
            tops = np.argsort(-weights, axis=1, kind="stable")[:, :n]
            expected = [umass_by_loops(t.tolist(), X, 1.0) if fn else npmi_by_loops(t.tolist(), X) for t in tops]
            assert_close(got, np.array(expected), rtol=1e-10, atol=1e-12, what=f"topic_coherence ({measure}, n={n})")
    default = lab.topic_coherence(weights, X)
    tops = np.argsort(-weights, axis=1, kind="stable")[:, :10]
    assert_close(default, np.array([npmi_by_loops(t.tolist(), X) for t in tops]), rtol=1e-10, atol=1e-12,
                 what="topic_coherence with its defaults")
    shuffled = rng.permuted(weights, axis=1)
    for measure in ("umass", "npmi"):
        check(lab.topic_coherence(weights, X, 8, measure).mean() > lab.topic_coherence(shuffled, X, 8, measure).mean(),
              f"planted topics should be more coherent than shuffled ones ({measure})")
    for args in [(weights, X, 10, "cv"), (weights, X, 1, "npmi"), (weights, X, 31, "umass")]:
        with pytest.raises(ValueError):
            lab.topic_coherence(*args)
