"""Hidden tests for lab 11 (word embeddings).

Oracles: formulas written out here with torch autograd (losses, gradients,
SGD steps), numpy / scikit-learn (PCA), gensim (character n-grams, n-gram
hashes, FastText vectors, and Word2Vec as a sanity peer on the training
corpus). Training is checked by what any correct implementation achieves on
a generated corpus with planted structure: 4 clusters of 6 words that share
their contexts; each cluster word's 3 nearest cluster words (cosine) must
mostly come from its own cluster. Sampling is checked statistically, never
against a particular random-number order.
"""

from __future__ import annotations

import functools
import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, assert_equal, check

F64 = dict(atol=1e-10, rtol=1e-9)


# ---- the corpus with planted clusters -----------------------------------------------------------

CLUSTERS = [[f"{c}{i}" for i in range(6)] for c in ("fruit", "tool", "city", "verb")]
CONTEXTS = [[f"{c}_ctx{i}" for i in range(3)] for c in ("fruit", "tool", "city", "verb")]
FILLER = ["the", "a", "of", "and"]
CLUSTER_WORDS = [w for cluster in CLUSTERS for w in cluster]
LABEL = {w: k for k, cluster in enumerate(CLUSTERS) for w in cluster}


@functools.lru_cache(maxsize=None)
def planted_corpus(seed: int = 0, n_sentences: int = 400) -> tuple[tuple[str, ...], ...]:
    """Sentences of 6 tokens about one cluster each: half cluster words, 30 % its context words, 20 % filler."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(n_sentences):
        c = rng.randrange(len(CLUSTERS))
        tokens = []
        for _ in range(6):
            r = rng.random()
            pool = CLUSTERS[c] if r < 0.5 else CONTEXTS[c] if r < 0.8 else FILLER
            tokens.append(rng.choice(pool))
        sentences.append(tuple(tokens))
    return tuple(sentences)


def corpus_lists(seed: int = 0) -> list[list[str]]:
    return [list(s) for s in planted_corpus(seed)]


def cluster_recovery(embeddings, vocab) -> float:
    """Fraction of the top-3 cosine neighbours (among cluster words) of each cluster word in its own cluster."""
    vocab = list(vocab)
    M = np.array([np.asarray(embeddings, dtype=np.float64)[vocab.index(w)] for w in CLUSTER_WORDS])
    M /= np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)
    S = M @ M.T
    np.fill_diagonal(S, -np.inf)
    hits = sum(LABEL[CLUSTER_WORDS[j]] == LABEL[w] for i, w in enumerate(CLUSTER_WORDS) for j in np.argsort(-S[i])[:3])
    return hits / (3 * len(CLUSTER_WORDS))


@functools.lru_cache(maxsize=None)
def gensim_recovery() -> float:
    from gensim.models import Word2Vec

    model = Word2Vec(corpus_lists(), vector_size=16, window=2, min_count=1, sg=1, negative=5, epochs=20, seed=0, workers=1)
    return cluster_recovery(model.wv.vectors, model.wv.index_to_key)


def check_training_result(result, dim: int, what: str):
    check(isinstance(result, (tuple, list)) and len(result) == 3, f"{what} should return (embeddings, vocab, losses)")
    emb, vocab, losses = result
    emb = np.asarray(emb)
    vocab = list(vocab)
    check(sorted(vocab) == sorted(set(CLUSTER_WORDS + [w for c in CONTEXTS for w in c] + FILLER)), f"{what}: the vocabulary is not the corpus's word set")
    check(emb.shape == (len(vocab), dim), f"{what}: embeddings should have shape (len(vocab), dim), got {emb.shape}")
    check(bool(np.isfinite(emb).all()), f"{what}: embeddings contain inf or NaN")
    return emb, vocab, list(losses)


# ---- vocabulary and negative sampling -----------------------------------------------------------


@pytest.mark.points(1)
def test_build_vocab_and_encode(lab):
    """build_vocab sorts by decreasing count then alphabetically and applies min_count; encode drops unknown tokens."""
    corpus = [["b", "c", "a", "b"], ["d", "c", "b"], ["e", "a", "d", "c"]]
    words, counts = lab.build_vocab(corpus)
    assert_equal(list(words), ["b", "c", "a", "d", "e"], what="vocabulary order")
    assert_equal(list(counts), [3, 3, 2, 2, 1], what="vocabulary counts")
    words, counts = lab.build_vocab(corpus, min_count=2)
    assert_equal(list(words), ["b", "c", "a", "d"], what="vocabulary with min_count=2")
    encoded = lab.encode(corpus, ["c", "a", "b"])
    assert_equal([list(s) for s in encoded], [[2, 0, 1, 2], [0, 2], [1, 0]], what="encoded sentences")


@pytest.mark.points(2)
def test_negative_sampling_distribution_is_unigram_to_the_three_quarters(lab):
    """The sampling distribution is counts ** power normalised to 1 (power 0.75 by default, zero counts give 0)."""
    counts = [50, 20, 7, 1, 0, 3, 120]
    c = np.array(counts, dtype=np.float64)
    p = lab.negative_sampling_distribution(counts)
    assert_close(np.asarray(p), c**0.75 / (c**0.75).sum(), **F64, what="the default distribution")
    for power in (1.0, 0.5):
        p = lab.negative_sampling_distribution(counts, power=power)
        assert_close(np.asarray(p), c**power / (c**power).sum(), **F64, what=f"the distribution with power={power}")


@pytest.mark.points(1)
def test_negative_sampling_distribution_rejects_bad_counts(lab):
    """Empty counts, negative counts and all-zero counts raise ValueError; a single positive count next to them works."""
    for good, bad in (([4], []), ([3, 0, 2], [3, -1, 2]), ([0, 1], [0, 0])):
        assert_close(np.asarray(lab.negative_sampling_distribution(good)), np.array(good, float) ** 0.75 / (np.array(good, float) ** 0.75).sum(),
                     **F64, what=f"the distribution of {good}")
        with pytest.raises(ValueError):
            lab.negative_sampling_distribution(bad)


@pytest.mark.points(2)
def test_sample_negatives_follows_the_distribution(lab):
    """sample_negatives draws from probs (frequencies within 5 standard errors), has the asked shape, and is seeded."""
    probs = np.array([0.4, 0.25, 0.15, 0.1, 0.06, 0.04, 0.0])
    samples = np.asarray(lab.sample_negatives(probs, (500, 200), 7))
    check(samples.shape == (500, 200), f"expected shape (500, 200), got {samples.shape}")
    check(np.issubdtype(samples.dtype, np.integer), "samples should be integer indices")
    check(samples.min() >= 0 and samples.max() < len(probs), "samples out of range")
    n = samples.size
    freq = np.bincount(samples.ravel(), minlength=len(probs)) / n
    se = np.sqrt(probs * (1 - probs) / n)
    check(freq[-1] == 0, "an index with probability 0 was drawn")
    check(bool((np.abs(freq - probs) <= 5 * se + 1e-12).all()), "sample frequencies do not match the distribution")
    again = np.asarray(lab.sample_negatives(probs, (500, 200), 7))
    check(np.array_equal(samples, again), "the same seed should give the same samples")
    other = np.asarray(lab.sample_negatives(probs, (500, 200), 8))
    check(not np.array_equal(samples, other), "different seeds should give different samples")
    flat = np.asarray(lab.sample_negatives(probs, 10, 1))
    check(flat.shape == (10,), "an int size should give a 1-D array")


# ---- skip-gram and CBOW -------------------------------------------------------------------------


@pytest.mark.points(1)
def test_skipgram_pairs(lab):
    """skipgram_pairs lists (center, context) within the window, in order, never across sentences."""
    sentences = [[3, 1, 4, 1, 5], [9], [2, 6]]
    for window in (1, 2, 4):
        expected = [
            [s[i], s[j]] for s in sentences for i in range(len(s)) for j in range(len(s)) if 0 < abs(i - j) <= window
        ]
        got = np.asarray(lab.skipgram_pairs(sentences, window))
        check(got.shape == (len(expected), 2), f"window={window}: expected shape ({len(expected)}, 2), got {got.shape}")
        assert_equal(got.tolist(), expected, what=f"pairs with window={window}")
    check(np.asarray(lab.skipgram_pairs([[1]], 2)).shape == (0, 2), "no pairs should give shape (0, 2)")


def sgns_batch(seed: int, V=12, D=6, B=9, K=4, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    w_in = torch.randn(V, D, generator=g, dtype=dtype)
    w_out = torch.randn(V, D, generator=g, dtype=dtype)
    centers = torch.randint(V, (B,), generator=g)
    contexts = torch.randint(V, (B,), generator=g)
    negatives = torch.randint(V, (B, K), generator=g)
    centers[:3] = 2  # repeated rows accumulate
    negatives[0, :2] = contexts[0]
    return w_in, w_out, centers, contexts, negatives


def sgns_formula(w_in, w_out, centers, contexts, negatives):
    v = w_in[centers]
    pos = torch.log(torch.sigmoid((w_out[contexts] * v).sum(-1)))
    neg = torch.log(torch.sigmoid(-(w_out[negatives] @ v[:, :, None]).squeeze(-1))).sum(-1)
    return -(pos + neg).mean()


@pytest.mark.points(2)
def test_sgns_loss_matches_formula(lab):
    """sgns_loss is the batch mean of -log s(u_o.v_c) - sum_k log s(-u_k.v_c), with separate input/output matrices."""
    for seed in (1, 2):
        batch = sgns_batch(seed)
        loss = lab.sgns_loss(*batch)
        check(torch.is_tensor(loss) and loss.dim() == 0, "sgns_loss should return a scalar tensor")
        assert_close(loss, sgns_formula(*batch), **F64, what="the skip-gram loss")


@pytest.mark.points(1)
def test_sgns_loss_gradients(lab):
    """The gradients of sgns_loss with respect to both matrices match autograd of the formula."""
    batch = sgns_batch(3)
    result = lab.vjp(lab.sgns_loss, *batch, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 1))
    w_in, w_out = (t.clone().requires_grad_(True) for t in batch[:2])
    sgns_formula(w_in, w_out, *batch[2:]).backward()
    assert_close(result.grads[0], w_in.grad, **F64, what="the gradient for the input vectors")
    assert_close(result.grads[1], w_out.grad, **F64, what="the gradient for the output vectors")


@pytest.mark.points(2)
def test_sgns_step_is_one_sgd_step(lab):
    """sgns_step returns w - lr * grad for both matrices (repeated rows sum their gradients)."""
    batch = sgns_batch(4, V=10, B=16)
    w_in, w_out = (t.clone().requires_grad_(True) for t in batch[:2])
    sgns_formula(w_in, w_out, *batch[2:]).backward()
    new_in, new_out = lab.sgns_step(*batch, 0.5)
    assert_close(new_in, batch[0] - 0.5 * w_in.grad, **F64, what="the updated input vectors")
    assert_close(new_out, batch[1] - 0.5 * w_out.grad, **F64, what="the updated output vectors")


def cbow_batch(seed: int, V=11, D=5, B=7, C=4, K=3):
    g = torch.Generator().manual_seed(seed)
    w_in = torch.randn(V, D, generator=g, dtype=torch.float64)
    w_out = torch.randn(V, D, generator=g, dtype=torch.float64)
    ids = torch.randint(V, (B, C), generator=g)
    mask = torch.ones(B, C, dtype=torch.bool)
    mask[0, 1:] = False
    mask[1, 3] = False
    mask[2, 2:] = False
    ids[0, 1:] = 7  # padding ids that must be ignored
    targets = torch.randint(V, (B,), generator=g)
    negatives = torch.randint(V, (B, K), generator=g)
    return w_in, w_out, ids, mask, targets, negatives


def cbow_formula(w_in, w_out, ids, mask, targets, negatives):
    losses = []
    for b in range(len(ids)):
        h = w_in[ids[b][mask[b]]].mean(0)
        loss = -torch.log(torch.sigmoid(w_out[targets[b]] @ h))
        loss = loss - torch.log(torch.sigmoid(-(w_out[negatives[b]] @ h))).sum()
        losses.append(loss)
    return torch.stack(losses).mean()


@pytest.mark.points(2)
def test_cbow_loss_averages_the_real_context_words(lab):
    """cbow_loss uses the mean of the unmasked context vectors as the hidden vector, batch-mean loss."""
    for seed in (5, 6):
        batch = cbow_batch(seed)
        loss = lab.cbow_loss(*batch)
        check(torch.is_tensor(loss) and loss.dim() == 0, "cbow_loss should return a scalar tensor")
        assert_close(loss, cbow_formula(*batch), **F64, what="the CBOW loss")


@pytest.mark.points(1)
def test_cbow_loss_gradients(lab):
    """The gradients of cbow_loss match autograd of the formula (padding entries get no gradient)."""
    batch = cbow_batch(7)
    result = lab.vjp(lab.cbow_loss, *batch, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 1))
    w_in, w_out = (t.clone().requires_grad_(True) for t in batch[:2])
    cbow_formula(w_in, w_out, *batch[2:]).backward()
    assert_close(result.grads[0], w_in.grad, **F64, what="the gradient for the input vectors")
    assert_close(result.grads[1], w_out.grad, **F64, what="the gradient for the output vectors")


@pytest.mark.points(2)
def test_skipgram_recovers_planted_clusters(lab):
    """Skip-gram on the planted-cluster corpus: >= 80 % of each cluster word's 3 nearest neighbours share its cluster."""
    check(gensim_recovery() >= 0.8, "internal: gensim does not recover the clusters")  # the corpus is learnable
    emb, vocab, _ = check_training_result(
        lab.train_skipgram(corpus_lists(), dim=16, epochs=5, window=2, negatives=5, lr=0.01, batch_size=256, seed=0),
        16,
        "train_skipgram",
    )
    check(cluster_recovery(emb, vocab) >= 0.8, "skip-gram vectors do not recover the word clusters")


@pytest.mark.points(1)
def test_skipgram_is_seeded_and_lowers_the_loss(lab):
    """The same seed gives the same skip-gram vectors; one loss per epoch, and the last is below the first."""
    kwargs = dict(dim=8, epochs=3, window=2, negatives=3, lr=0.01, batch_size=256, seed=3)
    corpus = corpus_lists(1)[:150]
    emb1, _, losses = check_training_result(lab.train_skipgram(corpus, **kwargs), 8, "train_skipgram")
    emb2, _, _ = check_training_result(lab.train_skipgram(corpus, **kwargs), 8, "train_skipgram")
    check(np.array_equal(emb1, emb2), "the same seed should give the same embeddings")
    check(len(losses) == 3, "losses should hold one value per epoch")
    check(losses[-1] < losses[0], "the training loss did not go down")


@pytest.mark.points(2)
def test_cbow_recovers_planted_clusters(lab):
    """CBOW on the planted-cluster corpus: >= 80 % of each cluster word's 3 nearest neighbours share its cluster."""
    emb, vocab, losses = check_training_result(
        lab.train_cbow(corpus_lists(), dim=16, epochs=10, window=2, negatives=5, lr=0.03, batch_size=256, seed=0),
        16,
        "train_cbow",
    )
    check(len(losses) == 10 and losses[-1] < losses[0], "the CBOW loss should have one value per epoch and go down")
    check(cluster_recovery(emb, vocab) >= 0.8, "CBOW vectors do not recover the word clusters")


# ---- GloVe --------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_cooccurrence_matrix_weights_by_inverse_distance(lab):
    """Each pair within the window adds 1/distance, symmetrically; out-of-vocabulary tokens are removed first."""
    corpus = [["a", "b", "c", "a", "b"], ["c", "zz", "a"], ["b"]]
    vocab = ["c", "a", "b"]
    index = {w: i for i, w in enumerate(vocab)}
    for window in (1, 3):
        expected = np.zeros((3, 3))
        for s in corpus:
            s = [index[t] for t in s if t in index]
            for i in range(len(s)):
                for j in range(len(s)):
                    if 0 < abs(i - j) <= window:
                        expected[s[i], s[j]] += 1 / abs(i - j)
        assert_close(np.asarray(lab.cooccurrence_matrix(corpus, vocab, window)), expected, **F64, what=f"X with window={window}")


@pytest.mark.points(1)
def test_glove_weight(lab):
    """f(x) = min(1, (x / x_max) ** alpha), with f(0) = 0."""
    x = np.array([[0.0, 0.5, 3.0], [10.0, 50.0, 250.0]])
    assert_close(np.asarray(lab.glove_weight(x)), np.minimum(1, (x / 100) ** 0.75), **F64, what="f with the defaults")
    assert_close(np.asarray(lab.glove_weight(x, 5.0, 0.5)), np.minimum(1, (x / 5) ** 0.5), **F64, what="f with x_max=5, alpha=0.5")


def glove_tiny(seed: int):
    g = torch.Generator().manual_seed(seed)
    V, D = 5, 3
    X = torch.tensor(
        [[0, 2, 0.5, 0, 30], [2, 0, 1, 4, 0], [0.5, 1, 0, 0, 7], [0, 4, 0, 2, 0], [30, 0, 7, 0, 150]], dtype=torch.float64
    )
    params = [torch.randn(V, D, generator=g, dtype=torch.float64) * 0.5 for _ in range(2)]
    params += [torch.randn(V, generator=g, dtype=torch.float64) * 0.5 for _ in range(2)]
    return params, X


def glove_formula(w, w_ctx, b, b_ctx, X, x_max, alpha):
    total = 0.0
    for i in range(len(X)):
        for j in range(len(X)):
            x = X[i, j]
            if x > 0:
                f = min(1.0, float(x / x_max) ** alpha)
                total = total + f * (w[i] @ w_ctx[j] + b[i] + b_ctx[j] - torch.log(x)) ** 2
    return total


@pytest.mark.points(2)
def test_glove_loss_matches_formula(lab):
    """glove_loss is the f-weighted sum of squared errors over the non-zero entries of a tiny X."""
    params, X = glove_tiny(8)
    for x_max, alpha in ((100.0, 0.75), (3.0, 0.5)):
        loss = lab.glove_loss(*params, X, x_max, alpha)
        check(torch.is_tensor(loss) and loss.dim() == 0, "glove_loss should return a scalar tensor")
        assert_close(loss, glove_formula(*params, X, x_max, alpha), **F64, what=f"the loss with x_max={x_max}")
    result = lab.vjp(lab.glove_loss, *params, X, 3.0, 0.5, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 3))
    leaves = [p.clone().requires_grad_(True) for p in params]
    glove_formula(*leaves, X, 3.0, 0.5).backward()
    assert_close(result.grads[0], leaves[0].grad, **F64, what="the gradient for the word vectors")
    assert_close(result.grads[1], leaves[3].grad, **F64, what="the gradient for the context biases")


@pytest.mark.points(2)
def test_glove_training_lowers_the_loss_and_recovers_clusters(lab):
    """GloVe training lowers its loss and its w + w_ctx vectors recover the planted clusters (>= 80 % top-3)."""
    emb, vocab, losses = check_training_result(
        lab.train_glove(corpus_lists(), dim=16, epochs=100, window=2, x_max=10.0, alpha=0.75, lr=0.05, seed=0),
        16,
        "train_glove",
    )
    check(len(losses) == 100, "losses should hold one value per epoch")
    check(losses[-1] < 0.5 * losses[0], "the GloVe loss did not go down enough")
    check(cluster_recovery(emb, vocab) >= 0.8, "GloVe vectors do not recover the word clusters")


# ---- fastText -----------------------------------------------------------------------------------

WORDS = ["where", "her", "a", "embedding", "subwordization", "ab"]


@pytest.mark.points(1)
def test_char_ngrams_with_boundary_markers(lab):
    """char_ngrams wraps the word in < > and lists n-grams by start position then length, as gensim's set."""
    from gensim.models.fasttext_inner import compute_ngrams

    assert_equal(
        list(lab.char_ngrams("where", 3, 4)),
        ["<wh", "<whe", "whe", "wher", "her", "here", "ere", "ere>", "re>"],
        what="n-grams of 'where' (3..4)",
    )
    for word in WORDS:
        for min_n, max_n in ((3, 6), (2, 4)):
            got = list(lab.char_ngrams(word, min_n, max_n))
            assert_equal(sorted(got), sorted(compute_ngrams(word, min_n, max_n)), what=f"n-grams of {word!r} ({min_n}..{max_n})")
    assert_equal(list(lab.char_ngrams("aaaa", 3, 3)), ["<aa", "aaa", "aaa", "aa>"], what="repeated n-grams")


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) % 2**32
    return h


@pytest.mark.points(1)
def test_fnv1a_32(lab):
    """fnv1a_32 is the standard 32-bit FNV-1a of the UTF-8 bytes (known test vectors, non-ASCII too)."""
    known = {"": 0x811C9DC5, "a": 0xE40C292C, "foobar": 0xBF9CF968}
    for text, value in known.items():
        check(lab.fnv1a_32(text) == value, f"wrong hash for {text!r}")
    for text in ("<whe", "ere>", "naïve", "日本語"):
        check(lab.fnv1a_32(text) == fnv1a(text), f"wrong hash for {text!r}")


@pytest.mark.points(1)
def test_ngram_buckets_match_gensim(lab):
    """ngram_buckets agrees with gensim's ft_ngram_hashes on ASCII words (as a multiset)."""
    from gensim.models.fasttext import ft_ngram_hashes

    for word in WORDS:
        got = list(lab.ngram_buckets(word, 2000, 3, 6))
        assert_equal(sorted(got), sorted(ft_ngram_hashes(word, 3, 6, 2000)), what=f"buckets of {word!r}")


@functools.lru_cache(maxsize=None)
def gensim_fasttext():
    from gensim.models import FastText

    sentences = corpus_lists()[:100]
    return FastText(sentences, vector_size=8, window=2, min_count=1, min_n=3, max_n=6, bucket=500, epochs=1, seed=0, workers=1)


@pytest.mark.points(2)
def test_fasttext_vector_matches_gensim(lab):
    """fasttext_vector averages the word's n-gram bucket vectors (plus its own vector if known), like gensim."""
    wv = gensim_fasttext().wv
    vocab = list(wv.index_to_key)
    for word in ("fruit3", "the", "city_ctx1", "fruity", "toolbox", "unseenword", "ab"):
        got = lab.fasttext_vector(word, vocab, wv.vectors_vocab, wv.vectors_ngrams, 3, 6)
        assert_close(np.asarray(got), wv[word].astype(np.float64), atol=1e-6, rtol=1e-5, what=f"the vector of {word!r}")


# ---- neighbours, PCA, plot ----------------------------------------------------------------------


@pytest.mark.points(1)
def test_nearest_neighbours_by_cosine(lab):
    """nearest_neighbours ranks by cosine similarity (not dot product), excludes the word, breaks ties by vocab order."""
    E = np.array([[1.0, 0.0], [10.0, 1.0], [0.9, 0.1], [0.0, 1.0], [2.0, 0.5], [-1.0, 0.0], [10.0, 1.0]])
    vocab = ["a", "b", "c", "d", "e", "f", "g"]
    assert_equal(list(lab.nearest_neighbours(E, vocab, "a", 3)), ["b", "g", "c"], what="neighbours of 'a'")
    assert_equal(list(lab.nearest_neighbours(E, vocab, "f", 10)), ["d", "e", "c", "b", "g", "a"], what="neighbours of 'f'")
    with pytest.raises(KeyError):
        lab.nearest_neighbours(E, vocab, "zz", 2)


@pytest.mark.points(1)
def test_pca_matches_sklearn_up_to_sign(lab):
    """pca_2d centres the data and matches sklearn's 2-component PCA up to the sign of each column."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(9)
    X = rng.normal(size=(30, 6)) @ np.diag([5.0, 3.0, 1.0, 0.5, 0.2, 0.1]) + 7.0
    got = np.asarray(lab.pca_2d(X))
    check(got.shape == (30, 2), f"expected shape (30, 2), got {got.shape}")
    expected = PCA(n_components=2).fit_transform(X)
    signs = np.sign((got * expected).sum(axis=0))
    signs[signs == 0] = 1
    assert_close(got * signs, expected, atol=1e-8, rtol=1e-8, what="the PCA projection (up to sign)")


@pytest.mark.points(1)
def test_plot_embeddings_writes_a_png(lab, monkeypatch, tmp_path):
    """plot_embeddings writes a PNG file (checked by its magic bytes) and returns its path."""
    monkeypatch.chdir(tmp_path)  # in-process runs write here; a graded worker writes in its own scratch
    rng = np.random.default_rng(10)
    path = lab.plot_embeddings(rng.normal(size=(8, 5)), [f"w{i}" for i in range(8)], "lab11_plot.png")
    check(isinstance(path, str), "plot_embeddings should return the path")
    data = lab.get_file(path)
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "the file is not a PNG")
    check(len(data) > 1000, "the PNG is suspiciously small")
    with pytest.raises(ValueError):
        lab.plot_embeddings(rng.normal(size=(8, 5)), [f"w{i}" for i in range(7)], "lab11_bad_plot.png")


@pytest.mark.points(2)
def test_invalid_arguments_raise_value_error(lab):
    """Bad arguments raise ValueError (min_count 0, window 0, bad n-gram ranges, 0 buckets, PCA shapes, bad probs,
    an example without context, mismatched plot labels); the valid boundary value next to each works."""
    probs = np.array([0.5, 0.5])
    cbow = cbow_batch(7)
    empty_mask = cbow[3].clone()
    empty_mask[2] = False
    cases = {
        "min_count=0": (lambda: lab.build_vocab([["a"]], min_count=1), lambda: lab.build_vocab([["a"]], min_count=0)),
        "skipgram window=0": (lambda: lab.skipgram_pairs([[1, 2]], 1), lambda: lab.skipgram_pairs([[1, 2]], 0)),
        "cooccurrence window=0": (lambda: lab.cooccurrence_matrix([["a"]], ["a"], 1), lambda: lab.cooccurrence_matrix([["a"]], ["a"], 0)),
        "max_n < min_n": (lambda: lab.char_ngrams("word", 3, 3), lambda: lab.char_ngrams("word", 4, 3)),
        "min_n=0": (lambda: lab.char_ngrams("word", 1, 2), lambda: lab.char_ngrams("word", 0, 2)),
        "buckets=0": (lambda: lab.ngram_buckets("word", 1), lambda: lab.ngram_buckets("word", 0)),
        "1-D input to PCA": (lambda: lab.pca_2d(np.ones((2, 2))), lambda: lab.pca_2d(np.ones(5))),
        "one row to PCA": (lambda: lab.pca_2d(np.arange(6.0).reshape(2, 3)), lambda: lab.pca_2d(np.ones((1, 3)))),
        "one column to PCA": (lambda: lab.pca_2d(np.arange(6.0).reshape(3, 2)), lambda: lab.pca_2d(np.ones((3, 1)))),
        "3-D input to PCA": (lambda: lab.pca_2d(np.ones((3, 3))), lambda: lab.pca_2d(np.ones((3, 3, 3)))),
        "probs summing to 1.1": (lambda: lab.sample_negatives(probs, 3, 0), lambda: lab.sample_negatives(np.array([0.5, 0.6]), 3, 0)),
        "probs summing to 0.9": (lambda: lab.sample_negatives(probs, 3, 0), lambda: lab.sample_negatives(np.array([0.5, 0.4]), 3, 0)),
        "a negative probability": (lambda: lab.sample_negatives(np.array([1.0, 0.0]), 3, 0), lambda: lab.sample_negatives(np.array([1.2, -0.2]), 3, 0)),
        "an example without context": (lambda: lab.cbow_loss(*cbow), lambda: lab.cbow_loss(*cbow[:3], empty_mask, *cbow[4:])),
    }
    for what, (valid, invalid) in cases.items():
        try:
            valid()
        except Exception as error:  # noqa: BLE001 - any failure of the valid call is the student's
            pytest.fail(f"a valid call raised {type(error).__name__} (next to the check of {what})")
        with pytest.raises(ValueError):
            invalid()
            pytest.fail(f"no ValueError for {what}")


# ---- vocabulary: named values and input types ---------------------------------------------------


@pytest.mark.points(2)
def test_build_vocab_and_encode_edge_cases(lab):
    """Ties sort by the strings' code points (non-ASCII, case); min_count keeps counts equal to it; tuples and empty input work."""
    corpus = (("éclair", "Zeta", "apple", "Zeta"), (), ("apple", "éclair", "zeta", "日本"))
    words, counts = lab.build_vocab(corpus)
    assert_equal(list(words), ["Zeta", "apple", "éclair", "zeta", "日本"], what="vocabulary order with non-ASCII and capitalised words")
    assert_equal(list(counts), [2, 2, 2, 1, 1], what="vocabulary counts")
    words, counts = lab.build_vocab(corpus, min_count=2)
    assert_equal(list(words), ["Zeta", "apple", "éclair"], what="vocabulary with min_count=2 (counts equal to min_count are kept)")
    words, counts = lab.build_vocab(corpus, min_count=3)
    assert_equal((list(words), list(counts)), ([], []), what="vocabulary with min_count above every count")
    assert_equal(tuple(map(list, lab.build_vocab([]))), ([], []), what="the vocabulary of an empty corpus")
    encoded = lab.encode(corpus, ("zeta", "Zeta", "日本"))
    assert_equal([list(x) for x in encoded], [[1, 1], [], [0, 2]], what="encoding with a tuple vocabulary (an empty sentence stays empty)")


@pytest.mark.points(2)
def test_negative_sampling_distribution_power_and_floats(lab):
    """Zero counts get probability 0 for every power (power 0: uniform over the non-zero counts); float counts work."""
    counts = [4, 0, 1, 9]
    assert_close(np.asarray(lab.negative_sampling_distribution(counts, power=0.0)), np.array([1, 0, 1, 1]) / 3, **F64, what="the distribution with power=0")
    assert_close(np.asarray(lab.negative_sampling_distribution(counts, power=2.0)), np.array([16, 0, 1, 81]) / 98, **F64, what="the distribution with power=2")
    floats = [0.5, 2.25, 0.0, 1.0]
    c = np.array(floats)
    got = np.asarray(lab.negative_sampling_distribution(floats))
    check(got.dtype == np.float64 and got.shape == (4,), "the distribution should be a float64 array of shape (len(counts),)")
    assert_close(got, c**0.75 / (c**0.75).sum(), **F64, what="the distribution of float counts")


@pytest.mark.points(2)
def test_sample_negatives_draws_each_entry_independently(lab):
    """Every entry is its own draw: per-row counts vary binomially, neighbours repeat at rate sum(p^2), and dtype is int64."""
    probs = np.array([0.5, 0.3, 0.2])
    samples = np.asarray(lab.sample_negatives(probs, (4000, 6), 3))
    check(samples.dtype == np.int64, "sample_negatives should return int64")
    zeros = (samples == 0).sum(axis=1)  # ~ Binomial(6, 0.5) per row
    var, expected_var = zeros.var(), 6 * 0.5 * 0.5
    check(abs(var - expected_var) <= 0.2 * expected_var, "the count of an index per row does not vary like independent draws")
    same = (samples[:, 1:] == samples[:, :-1]).mean()
    check(abs(same - (probs**2).sum()) <= 0.03, "neighbouring entries are not independent draws")
    check(np.asarray(lab.sample_negatives(probs, (3, 0), 1)).shape == (3, 0), "size (3, 0) should give an empty (3, 0) array")
    check(np.asarray(lab.sample_negatives(probs, 0, 1)).shape == (0,), "size 0 should give an empty array")
    check(bool((np.asarray(lab.sample_negatives(np.array([0.0, 1.0, 0.0]), 50, 2)) == 1).all()), "a one-hot distribution should always draw its index")


@pytest.mark.points(2)
def test_skipgram_pairs_edge_cases(lab):
    """skipgram_pairs skips empty sentences, clips long windows, and returns int64 (also with no pairs at all)."""
    got = np.asarray(lab.skipgram_pairs([[], [7, 8], [], [1, 2, 3]], 10))
    check(got.dtype == np.int64, "skipgram_pairs should return int64")
    assert_equal(got.tolist(), [[7, 8], [8, 7], [1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]], what="pairs with a window longer than the sentences")
    none = np.asarray(lab.skipgram_pairs([], 2))
    check(none.shape == (0, 2) and none.dtype == np.int64, "no sentences should give an int64 array of shape (0, 2)")


# ---- losses at large magnitudes, dtypes, every gradient ------------------------------------------


@pytest.mark.points(2)
def test_sgns_and_cbow_losses_are_stable_and_keep_dtype(lab):
    """With scores of magnitude ~1000 (float32) the losses equal the logsigmoid formula (no inf/NaN); float32 in, float32 out."""
    w_in, w_out, centers, contexts, negatives = sgns_batch(20, dtype=torch.float32)
    w_in, w_out = w_in * 15, w_out * 15  # scores u.v of magnitude up to ~1000
    expected = -(F.logsigmoid((w_out[contexts] * w_in[centers]).sum(-1))
                 + F.logsigmoid(-(w_out[negatives] @ w_in[centers][:, :, None]).squeeze(-1)).sum(-1)).mean()
    check(float(expected) > 100, "internal: the scores are not large")
    loss = lab.sgns_loss(w_in, w_out, centers, contexts, negatives)
    check(loss.dtype == torch.float32, "sgns_loss of float32 matrices should be float32")
    check(bool(torch.isfinite(loss)), "sgns_loss is not finite for large scores: use logsigmoid")
    assert_close(loss, expected, atol=1e-2, rtol=1e-4, what="sgns_loss with scores of magnitude ~1000")
    cw_in, cw_out, ids, mask, targets, negs = cbow_batch(21)
    cw_in, cw_out = (cw_in * 25).float(), (cw_out * 25).float()
    h = torch.stack([cw_in[ids[b][mask[b]]].mean(0) for b in range(len(ids))])
    expected = -(F.logsigmoid((cw_out[targets] * h).sum(-1)) + F.logsigmoid(-(cw_out[negs] @ h[:, :, None]).squeeze(-1)).sum(-1)).mean()
    loss = lab.cbow_loss(cw_in, cw_out, ids, mask, targets, negs)
    check(loss.dtype == torch.float32 and bool(torch.isfinite(loss)), "cbow_loss should be a finite float32 for large float32 scores")
    assert_close(loss, expected, atol=1e-2, rtol=1e-4, what="cbow_loss with scores of magnitude ~1000")


@pytest.mark.points(2)
def test_sgns_step_edge_cases(lab):
    """sgns_step with lr = 0 returns the inputs unchanged; float32 stays float32; rows outside the batch never move; inputs are not modified."""
    batch = sgns_batch(22, V=14, B=5, dtype=torch.float32)
    copies = [t.clone() for t in batch]
    new_in, new_out = lab.sgns_step(*batch, 0.0)
    assert_close(new_in, batch[0], atol=0, rtol=0, what="w_in after a step with lr=0")
    assert_close(new_out, batch[1], atol=0, rtol=0, what="w_out after a step with lr=0")
    new_in, new_out = lab.sgns_step(*batch, 2.0)
    check(new_in.dtype == torch.float32 and new_out.dtype == torch.float32, "sgns_step should keep float32")
    for name, got, copy in zip(("w_in", "w_out", "centers", "contexts", "negatives"), batch, copies):
        check(torch.equal(got, copy), f"sgns_step modified its input {name}: return new tensors")
    w_in, w_out = (t.clone().requires_grad_(True) for t in batch[:2])
    sgns_formula(w_in, w_out, *batch[2:]).backward()
    assert_close(new_in, batch[0] - 2.0 * w_in.grad, atol=1e-5, rtol=1e-5, what="w_in after a float32 step")
    assert_close(new_out, batch[1] - 2.0 * w_out.grad, atol=1e-5, rtol=1e-5, what="w_out after a float32 step")
    untouched = sorted(set(range(14)) - set(batch[2].tolist()))
    assert_close(new_in[untouched], batch[0][untouched], atol=0, rtol=0, what="w_in rows that are no center in the batch")


@pytest.mark.points(2)
def test_glove_loss_every_gradient_and_float32(lab):
    """glove_loss back-propagates into all four parameter tensors (w, w_ctx, b, b_ctx) and works in float32."""
    params, X = glove_tiny(23)
    result = lab.vjp(lab.glove_loss, *params, X, 4.0, 0.6, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 1, 2, 3))
    leaves = [p.clone().requires_grad_(True) for p in params]
    glove_formula(*leaves, X, 4.0, 0.6).backward()
    for name, got, leaf in zip(("w", "w_ctx", "b", "b_ctx"), result.grads, leaves):
        check(got is not None, f"glove_loss gave no gradient for {name}")
        assert_close(got, leaf.grad, **F64, what=f"the gradient for {name}")
    loss = lab.glove_loss(*(p.float() for p in params), X.float(), 4.0, 0.6)
    assert_close(loss, glove_formula(*params, X, 4.0, 0.6).float(), atol=1e-4, rtol=1e-5, what="glove_loss in float32")


@pytest.mark.points(2)
def test_cooccurrence_and_glove_weight_edge_cases(lab):
    """X is float64 (also with empty or one-word sentences); f is 0 at 0, exactly 1 at x_max and above, for any shape and float32 input."""
    X = np.asarray(lab.cooccurrence_matrix([[], ["b"], ["a", "a", "b"], ["zz", "a"]], ["a", "b"], 5))
    check(X.dtype == np.float64 and X.shape == (2, 2), "the co-occurrence matrix should be float64 of shape (V, V)")
    assert_close(X, np.array([[2.0, 1.5], [1.5, 0.0]]), **F64, what="X for a repeated word")
    x = np.array([0.0, 2.0, 5.0, 7.5], dtype=np.float32)
    f = np.asarray(lab.glove_weight(x, 5.0, 1.0))
    check(f.dtype == np.float64, "glove_weight should return float64")
    assert_close(f, np.array([0.0, 0.4, 1.0, 1.0]), **F64, what="f with x_max=5 and alpha=1")
    scalar = np.asarray(lab.glove_weight(np.float64(50.0)))
    check(scalar.shape == (), "glove_weight of a 0-d input should be 0-d")
    assert_close(scalar, np.array(0.5**0.75), **F64, what="f(50) with the defaults")
    cube = np.asarray(lab.glove_weight(np.full((2, 2, 2), 100.0)))
    check(cube.shape == (2, 2, 2), "glove_weight should keep the shape of its input")
    assert_close(cube, np.ones((2, 2, 2)), **F64, what="f at x_max")


# ---- training: every returned value, named values, determinism ----------------------------------

ISOLATED = [f"lonely{i:02d}" for i in range(40)]


def corpus_with_isolated_words(n: int = 120) -> list[list[str]]:
    """The planted corpus plus 40 words, each alone in its own sentence: they co-occur with nothing."""
    return corpus_lists()[:n] + [[w] for w in ISOLATED]


def check_uniform_init(values: np.ndarray, half_width: float, what: str) -> None:
    values = values.ravel().astype(np.float64)
    check(bool((np.abs(values) <= half_width * (1 + 1e-5)).all()), f"{what}: values outside [-{half_width:.4g}, {half_width:.4g}]")
    check(float(np.abs(values).max()) >= 0.9 * half_width, f"{what}: the values do not fill [-{half_width:.4g}, {half_width:.4g}]")
    expected_std = half_width / math.sqrt(3)
    check(abs(values.std() - expected_std) <= 0.12 * expected_std, f"{what}: the spread is not that of a uniform distribution")


@pytest.mark.points(4)
def test_glove_returns_the_sum_of_both_vector_sets(lab):
    """train_glove returns w + w_ctx: a word that co-occurs with nothing keeps the sum of two independent uniform vectors."""
    dim = 16
    emb, vocab, losses = lab.train_glove(corpus_with_isolated_words(), dim=dim, epochs=5, window=2, seed=1)
    emb, vocab = np.asarray(emb), list(vocab)
    check(emb.dtype == np.float32 and emb.shape == (len(vocab), dim), "train_glove should return float32 embeddings of shape (len(vocab), dim)")
    check(len(losses) == 5 and all(isinstance(x, float) for x in losses), "train_glove should return one float loss per epoch")
    lonely = emb[[vocab.index(w) for w in ISOLATED]].astype(np.float64).ravel()
    half = 0.5 / dim
    check(bool((np.abs(lonely) <= 2 * half * (1 + 1e-5)).all()), "an isolated word's embedding lies outside [-1/dim, 1/dim] (w + w_ctx)")
    beyond = float((np.abs(lonely) > half).mean())  # a sum of two uniforms exceeds one half-width with probability 1/4
    check(beyond > 0.15, "isolated words' embeddings look like one vector set: return w + w_ctx, not w alone")
    expected_std = math.sqrt(2 / 3) * half  # two independent uniforms on [-half, half]
    check(abs(lonely.std() - expected_std) <= 0.12 * expected_std, "isolated words' embeddings do not have the spread of w + w_ctx with independent uniform initialisations")


def glove_oracle_first_loss(corpus, window, x_max, alpha) -> float:
    """The GloVe loss at the initial vectors, up to the tiny dot products: sum f(X) log(X)^2 (biases start at 0)."""
    vocab = sorted({t for s in corpus for t in s})
    index = {w: i for i, w in enumerate(vocab)}
    X = np.zeros((len(vocab), len(vocab)))
    for s in corpus:
        for i in range(len(s)):
            for j in range(len(s)):
                if 0 < abs(i - j) <= window:
                    X[index[s[i]], index[s[j]]] += 1 / abs(i - j)
    x = X[X > 0]
    return float((np.minimum(1, (x / x_max) ** alpha) * np.log(x) ** 2).sum())


@pytest.mark.points(3)
def test_glove_losses_start_at_the_initial_loss(lab):
    """losses[0] is the loss at the initial (tiny) vectors, before any update, with the given window, x_max and alpha."""
    corpus = corpus_lists()[:80]
    for window, x_max, alpha in ((2, 10.0, 0.75), (3, 2.0, 0.5)):
        _, _, losses = lab.train_glove(corpus, dim=8, epochs=3, window=window, x_max=x_max, alpha=alpha, lr=0.05, seed=2)
        expected = glove_oracle_first_loss(corpus, window, x_max, alpha)
        check(abs(losses[0] - expected) <= 0.02 * expected, f"losses[0] is not the GloVe loss before the first update (window={window}, x_max={x_max}, alpha={alpha})")
        check(losses[1] < losses[0], "the GloVe loss did not fall after the first update")


@pytest.mark.parametrize("method", [pytest.param("skipgram", marks=pytest.mark.points(2)), pytest.param("cbow", marks=pytest.mark.points(2))])
def test_word2vec_first_loss_and_input_vectors(lab, method):
    """With one batch per epoch, losses[0] is (1 + K) log 2 (zero output vectors); words never used keep a uniform [-0.5/dim, 0.5/dim] input vector."""
    dim, k = 12, 4
    corpus = corpus_with_isolated_words(60)
    train = lab.train_skipgram if method == "skipgram" else lab.train_cbow
    emb, vocab, losses = train(corpus, dim=dim, epochs=2, window=2, negatives=k, lr=0.01, batch_size=100000, seed=3)
    emb, vocab = np.asarray(emb), list(vocab)
    check(emb.dtype == np.float32 and emb.shape == (len(vocab), dim), f"train_{method} should return float32 embeddings of shape (len(vocab), dim)")
    check(len(losses) == 2 and all(isinstance(x, float) for x in losses), f"train_{method} should return one float loss per epoch")
    assert_close(losses[0], (1 + k) * math.log(2), atol=1e-5, rtol=1e-5, what=f"train_{method}'s first loss (all output vectors are 0 at the start)")
    check(losses[1] < losses[0], f"train_{method}'s loss did not fall after the first update")
    # an isolated word is never a center (skip-gram) nor a context word (CBOW): its input vector is never updated
    check_uniform_init(emb[[vocab.index(w) for w in ISOLATED]], 0.5 / dim, f"train_{method}: the input vectors of unused words")


@pytest.mark.points(2)
def test_training_min_count_and_determinism(lab):
    """min_count drops rare words from the vocabulary and the embeddings; CBOW and GloVe are reproducible per seed."""
    corpus = corpus_lists()[:100] + [["rare", "the"], ["rare"]]
    for name, train, kwargs in (
        ("train_skipgram", lab.train_skipgram, dict(epochs=1, batch_size=512)),
        ("train_cbow", lab.train_cbow, dict(epochs=1, batch_size=512)),
        ("train_glove", lab.train_glove, dict(epochs=3)),
    ):
        emb, vocab, _ = train(corpus, dim=6, seed=4, min_count=3, **kwargs)
        counts = {}
        for sentence in corpus:
            for t in sentence:
                counts[t] = counts.get(t, 0) + 1
        expected_vocab = sorted((w for w, c in counts.items() if c >= 3), key=lambda w: (-counts[w], w))
        assert_equal(list(vocab), expected_vocab, what=f"{name}'s vocabulary with min_count=3")
        check(np.asarray(emb).shape == (len(expected_vocab), 6), f"{name} should return one row per kept word")
        again, _, _ = train(corpus, dim=6, seed=4, min_count=3, **kwargs)
        other, _, _ = train(corpus, dim=6, seed=5, min_count=3, **kwargs)
        check(np.array_equal(np.asarray(emb), np.asarray(again)), f"{name}: the same seed should give the same embeddings")
        check(not np.array_equal(np.asarray(emb), np.asarray(other)), f"{name}: another seed should give other embeddings")


# ---- fastText: named values and non-ASCII ----------------------------------------------------------


@pytest.mark.points(3)
def test_char_ngrams_and_buckets_edge_cases(lab):
    """n-grams of non-ASCII words are taken by characters; min_n = max_n, the empty word and n = 1 work; buckets keep the n-gram order."""
    from gensim.models.fasttext_inner import compute_ngrams

    for word, min_n, max_n in (("naïve", 3, 4), ("東京都", 2, 3), ("", 1, 2), ("ab", 5, 5), ("word", 1, 1), ("word", 6, 6)):
        got = list(lab.char_ngrams(word, min_n, max_n))
        wrapped = "<" + word + ">"
        expected = [wrapped[i : i + n] for i in range(len(wrapped)) for n in range(min_n, max_n + 1) if i + n <= len(wrapped)]
        assert_equal(got, expected, what=f"n-grams of {word!r} ({min_n}..{max_n})")
        assert_equal(sorted(got), sorted(compute_ngrams(word, min_n, max_n)), what=f"n-grams of {word!r} as gensim's")
    for word, buckets in (("naïve", 1000), ("embedding", 97), ("where", 1)):
        expected = [fnv1a(g) % buckets for g in lab.char_ngrams(word, 3, 6)]
        assert_equal(list(lab.ngram_buckets(word, buckets, 3, 6)), expected, what=f"buckets of {word!r} in n-gram order ({buckets} buckets)")
    assert_equal(list(lab.ngram_buckets("her", 50, 3, 4)), [fnv1a(g) % 50 for g in ["<he", "<her", "her", "her>", "er>"]], what="buckets of 'her' (3..4)")


@pytest.mark.points(2)
def test_fasttext_vector_edge_cases(lab):
    """fasttext_vector is float64; an unseen word with no n-grams is 0; a known word with no n-grams is its own vector; repeats count."""
    rng = np.random.default_rng(24)
    vocab = ["", "ab", "aaaa"]
    word_vectors = rng.normal(size=(3, 4)).astype(np.float32)
    ngram_vectors = rng.normal(size=(7, 4)).astype(np.float32)
    got = np.asarray(lab.fasttext_vector("xy", vocab, word_vectors, ngram_vectors, 5, 6))
    check(got.dtype == np.float64 and got.shape == (4,), "fasttext_vector should return a float64 vector of shape (D,)")
    assert_close(got, np.zeros(4), atol=0, rtol=0, what="an unseen word without n-grams")
    assert_close(np.asarray(lab.fasttext_vector("ab", vocab, word_vectors, ngram_vectors, 5, 6)), word_vectors[1].astype(np.float64), **F64,
                 what="a known word without n-grams (its own vector)")
    rows = [fnv1a(g) % 7 for g in ["<aa", "aaa", "aaa", "aa>"]]
    expected = (ngram_vectors[rows].astype(np.float64).sum(0) + word_vectors[2]) / 5
    assert_close(np.asarray(lab.fasttext_vector("aaaa", vocab, word_vectors, ngram_vectors, 3, 3)), expected, atol=1e-6, rtol=1e-6,
                 what="a known word with repeated n-grams")


@pytest.mark.points(2)
def test_nearest_neighbours_zero_vectors_and_small_vocab(lab):
    """A zero vector has cosine 0 with everything (ties keep vocabulary order); k larger than the vocabulary returns all others."""
    E = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [0.0, 2.0]])
    vocab = ["z1", "east", "west", "z2", "north"]
    assert_equal(list(lab.nearest_neighbours(E, vocab, "z1", 10)), ["east", "west", "z2", "north"], what="neighbours of a zero vector")
    assert_equal(list(lab.nearest_neighbours(E, vocab, "east", 4)), ["z1", "z2", "north", "west"], what="neighbours ranking zero vectors at cosine 0")
    assert_equal(list(lab.nearest_neighbours(E, vocab, "north", 1)), ["z1"], what="k = 1 with ties at cosine 0")


@pytest.mark.points(1)
def test_pca_small_and_integer_inputs(lab):
    """pca_2d works on the smallest input (2 x 2) and on integer input, returning float64 coordinates."""
    from sklearn.decomposition import PCA

    for X in (np.array([[1, 2], [3, 7]]), np.array([[1, 0, 2], [0, 1, 5], [4, 4, 4], [2, 9, 1]])):
        got = np.asarray(lab.pca_2d(X))
        check(got.dtype == np.float64 and got.shape == (len(X), 2), "pca_2d should return float64 of shape (n, 2)")
        expected = PCA(n_components=2).fit_transform(X.astype(np.float64)) if len(X) > 2 else None
        if expected is not None:
            signs = np.sign((got * expected).sum(axis=0))
            signs[signs == 0] = 1
            assert_close(got * signs, expected, atol=1e-8, rtol=1e-8, what="the PCA of integer input (up to sign)")
        else:
            centred = X - X.mean(axis=0)
            check(abs(abs(got[0, 0]) - np.linalg.norm(centred[0])) < 1e-9 and np.allclose(got[:, 1], 0, atol=1e-9),
                  "the PCA of two points: the first component is the line through them, the second is 0")


# ---- default arguments ---------------------------------------------------------------------------


@pytest.mark.points(3)
def test_default_arguments(lab):
    """Every documented default (dims, epochs, windows, rates, seeds, n-gram ranges, k, x_max, alpha) is the one used."""
    corpus = corpus_lists()[:45] + [["unique_word", "the"]]
    for name, train, explicit in (
        ("train_skipgram", lab.train_skipgram, dict(dim=16, epochs=5, window=2, negatives=5, lr=0.01, batch_size=256, seed=0, min_count=1)),
        ("train_cbow", lab.train_cbow, dict(dim=16, epochs=10, window=2, negatives=5, lr=0.03, batch_size=256, seed=0, min_count=1)),
        ("train_glove", lab.train_glove, dict(dim=16, epochs=100, window=2, x_max=10.0, alpha=0.75, lr=0.05, seed=0, min_count=1)),
    ):
        emb, vocab, losses = train(corpus)
        emb2, vocab2, losses2 = train(corpus, **explicit)
        check(list(vocab) == list(vocab2) and np.asarray(emb).shape == np.asarray(emb2).shape, f"{name}: the defaults are not the documented ones")
        check(np.array_equal(np.asarray(emb), np.asarray(emb2)) and list(losses) == list(losses2), f"{name}: the defaults are not the documented ones")
    params, X = glove_tiny(25)
    assert_close(lab.glove_loss(*params, X), glove_formula(*params, X, 100.0, 0.75), **F64, what="glove_loss with the default x_max and alpha")
    assert_equal(list(lab.char_ngrams("embedding")), list(lab.char_ngrams("embedding", 3, 6)), what="char_ngrams with the default range (3..6)")
    assert_equal(list(lab.ngram_buckets("embedding", 501)), [fnv1a(g) % 501 for g in lab.char_ngrams("embedding", 3, 6)], what="ngram_buckets with the default range")
    rng = np.random.default_rng(26)
    wv, nv = rng.normal(size=(2, 3)), rng.normal(size=(40, 3))
    expected = np.mean([nv[fnv1a(g) % 40] for g in lab.char_ngrams("embedding", 3, 6)] + [wv[1]], axis=0)
    assert_close(np.asarray(lab.fasttext_vector("embedding", ["x", "embedding"], wv, nv)), expected, **F64, what="fasttext_vector with the default range")
    E = rng.normal(size=(9, 4))
    vocab = [f"w{i}" for i in range(9)]
    assert_equal(list(lab.nearest_neighbours(E, vocab, "w0")), list(lab.nearest_neighbours(E, vocab, "w0", 5)), what="nearest_neighbours with the default k (5)")
    check(len(lab.nearest_neighbours(E, vocab, "w0")) == 5, "nearest_neighbours should return 5 words by default")


# ---- sampling and pairs: more named values --------------------------------------------------------


@pytest.mark.points(2)
def test_sample_negatives_heavy_last_index_and_long_sentences(lab):
    """sample_negatives draws a heavy last index at its rate; skipgram_pairs never pairs a position with itself (300-token sentence)."""
    probs = np.array([0.1, 0.2, 0.7])
    samples = np.asarray(lab.sample_negatives(probs, 30000, 9))
    freq = np.bincount(samples, minlength=3) / samples.size
    check(bool((np.abs(freq - probs) <= 5 * np.sqrt(probs * (1 - probs) / samples.size)).all()), "the frequencies do not match a distribution with a heavy last index")
    sentence = [i % 7 for i in range(300)]
    got = np.asarray(lab.skipgram_pairs([sentence], 1))
    expected = [[sentence[i], sentence[j]] for i in range(300) for j in (i - 1, i + 1) if 0 <= j < 300]
    assert_equal(got.tolist(), expected, what="the pairs of a 300-token sentence with window 1")


# ---- training: which input vectors move, empty epochs, GloVe's biases --------------------------------

GROUPS = [[f"{c}{k}" for c in letters] for k in range(4) for letters in ("ab", "cde", "fghij")]


def support_corpus() -> list[list[str]]:
    """Sentences of 2, 3 and 5 words (every word is a center and a context for any window), the most frequent
    word 'the' only alone (never a center nor a context), and the isolated words."""
    return [list(g) for g in GROUPS] * 3 + [["the"]] * 40 + [[w] for w in ISOLATED]


@pytest.mark.parametrize("method", [pytest.param("skipgram", marks=pytest.mark.points(2)), pytest.param("cbow", marks=pytest.mark.points(2))])
def test_word2vec_moves_exactly_the_used_input_vectors(lab, method):
    """With a large learning rate, the input vectors of the words that are centers (skip-gram) or contexts (CBOW) move out of
    their initial range, for window 1 and 3; the words that are never used ('the', isolated words) keep theirs."""
    dim = 8
    half = 0.5 / dim
    train = lab.train_skipgram if method == "skipgram" else lab.train_cbow
    used = sorted({w for g in GROUPS for w in g})
    for window in (1, 3):
        emb, vocab, _ = train(support_corpus(), dim=dim, epochs=3, window=window, negatives=3, lr=1.0, batch_size=100000, seed=7)
        emb, vocab = np.asarray(emb, dtype=np.float64), list(vocab)
        check(vocab[0] == "the", "internal: 'the' should be the most frequent word")
        for w in ["the"] + ISOLATED:
            check(float(np.abs(emb[vocab.index(w)]).max()) <= half * (1 + 1e-5), f"train_{method} (window={window}): the input vector of a word that is never used moved")
        for w in used:
            check(float(np.abs(emb[vocab.index(w)]).max()) > 3 * half, f"train_{method} (window={window}): the input vector of a word inside a sentence's window did not move")


@pytest.mark.points(2)
def test_word2vec_without_examples(lab):
    """A corpus of one-word sentences has no training example: every epoch's loss is 0.0 and the input vectors keep their initialisation."""
    corpus = [[w] for w in ISOLATED] * 2
    for name, train in (("train_skipgram", lab.train_skipgram), ("train_cbow", lab.train_cbow)):
        emb, vocab, losses = train(corpus, dim=10, epochs=3, seed=8)
        check(list(losses) == [0.0, 0.0, 0.0], f"{name}: an epoch without examples should have loss 0.0")
        check(np.asarray(emb).shape == (len(ISOLATED), 10), f"{name}: one row per vocabulary word")
        check_uniform_init(np.asarray(emb), 0.05, f"{name}: the untouched input vectors")


def oracle_glove_final_loss(corpus, dim, epochs, lr, seed) -> float:
    """The documented GloVe training (uniform +-0.5/dim init, zero biases, full-batch Adam) written here."""
    words = sorted({t for s in corpus for t in s})
    index = {w: i for i, w in enumerate(words)}
    X = np.zeros((len(words), len(words)))
    for s in corpus:
        for i in range(len(s)):
            for j in range(len(s)):
                if 0 < abs(i - j) <= 2:
                    X[index[s[i]], index[s[j]]] += 1 / abs(i - j)
    X = torch.from_numpy(X)
    i, j = torch.nonzero(X > 0, as_tuple=True)
    x = X[i, j]
    f = torch.clamp((x / 10.0) ** 0.75, max=1.0)
    g = torch.Generator().manual_seed(seed)
    V = len(words)
    params = [((torch.rand(V, dim, generator=g, dtype=torch.float64) - 0.5) / dim).requires_grad_(True) for _ in range(2)]
    params += [torch.zeros(V, dtype=torch.float64, requires_grad=True) for _ in range(2)]
    optimizer = torch.optim.Adam(params, lr=lr)
    for _ in range(epochs):
        w, c, b, bc = params
        loss = (f * ((w[i] * c[j]).sum(1) + b[i] + bc[j] - torch.log(x)) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


@pytest.mark.points(3)
def test_glove_trains_every_parameter(lab):
    """GloVe with dim 2 reaches the loss of the documented training (both biases and both vector sets learn), within 7 %."""
    corpus = corpus_lists()[:150]
    _, _, losses = lab.train_glove(corpus, dim=2, epochs=150, window=2, x_max=10.0, alpha=0.75, lr=0.1, seed=3)
    oracle = max(oracle_glove_final_loss(corpus, 2, 150, 0.1, seed) for seed in (0, 1, 2))
    check(len(losses) == 150, "train_glove should return one loss per epoch")
    check(losses[-1] <= 1.07 * oracle, "the final GloVe loss is well above what the documented training reaches: are both biases and both vector sets trained?")


@pytest.mark.points(2)
def test_plot_labels_each_point(lab, monkeypatch, tmp_path):
    """plot_embeddings draws the words: the same points with other labels give another image."""
    monkeypatch.chdir(tmp_path)
    points = np.random.default_rng(27).normal(size=(6, 4))
    first = lab.get_file(lab.plot_embeddings(points, [f"alpha{i}" for i in range(6)], "lab11_labels_a.png"))
    second = lab.get_file(lab.plot_embeddings(points, [f"omega{i}" for i in range(6)], "lab11_labels_b.png"))
    check(first[:8] == b"\x89PNG\r\n\x1a\n" and second[:8] == b"\x89PNG\r\n\x1a\n", "plot_embeddings should write PNG files")
    check(first != second, "the plot does not change with the words: label each point with its word")
