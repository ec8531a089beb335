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


@pytest.mark.points(3)
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


@pytest.mark.points(4)
def test_negative_sampling_distribution_is_unigram_to_the_three_quarters(lab):
    """The sampling distribution is counts ** power normalised to 1 (power 0.75 by default, zero counts give 0)."""
    counts = [50, 20, 7, 1, 0, 3, 120]
    c = np.array(counts, dtype=np.float64)
    p = lab.negative_sampling_distribution(counts)
    assert_close(np.asarray(p), c**0.75 / (c**0.75).sum(), **F64, what="the default distribution")
    for power in (1.0, 0.5):
        p = lab.negative_sampling_distribution(counts, power=power)
        assert_close(np.asarray(p), c**power / (c**power).sum(), **F64, what=f"the distribution with power={power}")


@pytest.mark.points(2)
def test_negative_sampling_distribution_rejects_bad_counts(lab):
    """Empty counts, negative counts and all-zero counts raise ValueError."""
    for counts in ([], [3, -1, 2], [0, 0]):
        with pytest.raises(ValueError):
            lab.negative_sampling_distribution(counts)


@pytest.mark.points(5)
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


@pytest.mark.points(3)
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


@pytest.mark.points(4)
def test_sgns_loss_matches_formula(lab):
    """sgns_loss is the batch mean of -log s(u_o.v_c) - sum_k log s(-u_k.v_c), with separate input/output matrices."""
    for seed in (1, 2):
        batch = sgns_batch(seed)
        loss = lab.sgns_loss(*batch)
        check(torch.is_tensor(loss) and loss.dim() == 0, "sgns_loss should return a scalar tensor")
        assert_close(loss, sgns_formula(*batch), **F64, what="the skip-gram loss")


@pytest.mark.points(3)
def test_sgns_loss_gradients(lab):
    """The gradients of sgns_loss with respect to both matrices match autograd of the formula."""
    batch = sgns_batch(3)
    result = lab.vjp(lab.sgns_loss, *batch, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 1))
    w_in, w_out = (t.clone().requires_grad_(True) for t in batch[:2])
    sgns_formula(w_in, w_out, *batch[2:]).backward()
    assert_close(result.grads[0], w_in.grad, **F64, what="the gradient for the input vectors")
    assert_close(result.grads[1], w_out.grad, **F64, what="the gradient for the output vectors")


@pytest.mark.points(4)
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


@pytest.mark.points(4)
def test_cbow_loss_averages_the_real_context_words(lab):
    """cbow_loss uses the mean of the unmasked context vectors as the hidden vector, batch-mean loss."""
    for seed in (5, 6):
        batch = cbow_batch(seed)
        loss = lab.cbow_loss(*batch)
        check(torch.is_tensor(loss) and loss.dim() == 0, "cbow_loss should return a scalar tensor")
        assert_close(loss, cbow_formula(*batch), **F64, what="the CBOW loss")


@pytest.mark.points(3)
def test_cbow_loss_gradients(lab):
    """The gradients of cbow_loss match autograd of the formula (padding entries get no gradient)."""
    batch = cbow_batch(7)
    result = lab.vjp(lab.cbow_loss, *batch, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 1))
    w_in, w_out = (t.clone().requires_grad_(True) for t in batch[:2])
    cbow_formula(w_in, w_out, *batch[2:]).backward()
    assert_close(result.grads[0], w_in.grad, **F64, what="the gradient for the input vectors")
    assert_close(result.grads[1], w_out.grad, **F64, what="the gradient for the output vectors")


@pytest.mark.points(6)
def test_skipgram_recovers_planted_clusters(lab):
    """Skip-gram on the planted-cluster corpus: >= 80 % of each cluster word's 3 nearest neighbours share its cluster."""
    check(gensim_recovery() >= 0.8, "internal: gensim does not recover the clusters")  # the corpus is learnable
    emb, vocab, _ = check_training_result(
        lab.train_skipgram(corpus_lists(), dim=16, epochs=5, window=2, negatives=5, lr=0.01, batch_size=256, seed=0),
        16,
        "train_skipgram",
    )
    check(cluster_recovery(emb, vocab) >= 0.8, "skip-gram vectors do not recover the word clusters")


@pytest.mark.points(3)
def test_skipgram_is_seeded_and_lowers_the_loss(lab):
    """The same seed gives the same skip-gram vectors; one loss per epoch, and the last is below the first."""
    kwargs = dict(dim=8, epochs=3, window=2, negatives=3, lr=0.01, batch_size=256, seed=3)
    corpus = corpus_lists(1)[:150]
    emb1, _, losses = check_training_result(lab.train_skipgram(corpus, **kwargs), 8, "train_skipgram")
    emb2, _, _ = check_training_result(lab.train_skipgram(corpus, **kwargs), 8, "train_skipgram")
    check(np.array_equal(emb1, emb2), "the same seed should give the same embeddings")
    check(len(losses) == 3, "losses should hold one value per epoch")
    check(losses[-1] < losses[0], "the training loss did not go down")


@pytest.mark.points(5)
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


@pytest.mark.points(4)
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


@pytest.mark.points(3)
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


@pytest.mark.points(4)
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


@pytest.mark.points(5)
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


@pytest.mark.points(4)
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


@pytest.mark.points(3)
def test_fnv1a_32(lab):
    """fnv1a_32 is the standard 32-bit FNV-1a of the UTF-8 bytes (known test vectors, non-ASCII too)."""
    known = {"": 0x811C9DC5, "a": 0xE40C292C, "foobar": 0xBF9CF968}
    for text, value in known.items():
        check(lab.fnv1a_32(text) == value, f"wrong hash for {text!r}")
    for text in ("<whe", "ere>", "naïve", "日本語"):
        check(lab.fnv1a_32(text) == fnv1a(text), f"wrong hash for {text!r}")


@pytest.mark.points(2)
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


@pytest.mark.points(5)
def test_fasttext_vector_matches_gensim(lab):
    """fasttext_vector averages the word's n-gram bucket vectors (plus its own vector if known), like gensim."""
    wv = gensim_fasttext().wv
    vocab = list(wv.index_to_key)
    for word in ("fruit3", "the", "city_ctx1", "fruity", "toolbox", "unseenword", "ab"):
        got = lab.fasttext_vector(word, vocab, wv.vectors_vocab, wv.vectors_ngrams, 3, 6)
        assert_close(np.asarray(got), wv[word].astype(np.float64), atol=1e-6, rtol=1e-5, what=f"the vector of {word!r}")


# ---- neighbours, PCA, plot ----------------------------------------------------------------------


@pytest.mark.points(2)
def test_nearest_neighbours_by_cosine(lab):
    """nearest_neighbours ranks by cosine similarity (not dot product), excludes the word, breaks ties by vocab order."""
    E = np.array([[1.0, 0.0], [10.0, 1.0], [0.9, 0.1], [0.0, 1.0], [2.0, 0.5], [-1.0, 0.0], [10.0, 1.0]])
    vocab = ["a", "b", "c", "d", "e", "f", "g"]
    assert_equal(list(lab.nearest_neighbours(E, vocab, "a", 3)), ["b", "g", "c"], what="neighbours of 'a'")
    assert_equal(list(lab.nearest_neighbours(E, vocab, "f", 10)), ["d", "e", "c", "b", "g", "a"], what="neighbours of 'f'")
    with pytest.raises(KeyError):
        lab.nearest_neighbours(E, vocab, "zz", 2)


@pytest.mark.points(4)
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


@pytest.mark.points(3)
def test_plot_embeddings_writes_a_png(lab, monkeypatch, tmp_path):
    """plot_embeddings writes a PNG file (checked by its magic bytes) and returns its path."""
    monkeypatch.chdir(tmp_path)  # in-process runs write here; a graded worker writes in its own scratch
    rng = np.random.default_rng(10)
    path = lab.plot_embeddings(rng.normal(size=(8, 5)), [f"w{i}" for i in range(8)], "lab11_plot.png")
    check(isinstance(path, str), "plot_embeddings should return the path")
    data = lab.get_file(path)
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "the file is not a PNG")
    check(len(data) > 1000, "the PNG is suspiciously small")


@pytest.mark.points(2)
def test_invalid_arguments_raise_value_error(lab):
    """Bad arguments raise ValueError: min_count 0, window 0, bad n-gram range, 1-D input to PCA, bad probs."""
    calls = [
        lambda: lab.build_vocab([["a"]], min_count=0),
        lambda: lab.skipgram_pairs([[1, 2]], 0),
        lambda: lab.cooccurrence_matrix([["a"]], ["a"], 0),
        lambda: lab.char_ngrams("word", 4, 3),
        lambda: lab.pca_2d(np.ones(5)),
        lambda: lab.sample_negatives(np.array([0.5, 0.6]), 3, 0),
    ]
    for i, call in enumerate(calls):
        with pytest.raises(ValueError):
            call()
