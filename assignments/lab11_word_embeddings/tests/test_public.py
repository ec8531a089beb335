"""Public sanity checks for lab 11 (word embeddings).

Run with ``autograder test lab11_word_embeddings`` or
``pytest assignments/lab11_word_embeddings``. Passing these does not mean the
hidden tests pass: they also check losses and gradients against the
formulas, the sampler statistically, FastText vectors against gensim, PCA
against scikit-learn, and that skip-gram, CBOW and GloVe recover planted word
clusters on a generated corpus.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.testing import assert_close, assert_equal, check


def test_vocab_example(lab):
    """build_vocab sorts by decreasing count, ties alphabetically (the docstring example)."""
    words, counts = lab.build_vocab([["b", "a", "b"], ["c", "a"]])
    assert_equal(list(words), ["a", "b", "c"], what="vocabulary")
    assert_equal(list(counts), [2, 2, 1], what="counts")


def test_negative_sampling_distribution_sums_to_one(lab):
    """The sampling distribution is a probability vector that favours frequent words less than the raw counts."""
    p = np.asarray(lab.negative_sampling_distribution([16, 1]))
    check(p.shape == (2,), "one probability per word")
    assert_close(p.sum(), 1.0, what="the sum of the probabilities")
    check(p[0] < 16 / 17, "counts ** 0.75 should flatten the distribution (16:1 becomes 8:1)")


def test_skipgram_pairs_example(lab):
    """skipgram_pairs gives the docstring example."""
    assert_equal(np.asarray(lab.skipgram_pairs([[5, 6, 7]], 1)).tolist(), [[5, 6], [6, 5], [6, 7], [7, 6]], what="pairs")


def test_sgns_loss_at_zero_vectors(lab):
    """With all-zero vectors every score is 0, so the loss is (1 + K) * log 2."""
    w = torch.zeros(4, 3)
    loss = lab.sgns_loss(w, w.clone(), torch.tensor([0, 1]), torch.tensor([2, 3]), torch.tensor([[1, 2], [0, 3]]))
    assert_close(loss, torch.tensor(3 * np.log(2.0), dtype=torch.float32), what="the loss at zero vectors")


def test_glove_weight_caps_at_one(lab):
    """f(x) is 0 at 0, below 1 under x_max, and exactly 1 from x_max on."""
    f = np.asarray(lab.glove_weight(np.array([0.0, 50.0, 100.0, 400.0])))
    assert_close(f[[0, 2, 3]], np.array([0.0, 1.0, 1.0]), what="f at 0, x_max and above")
    check(0 < f[1] < 1, "f should be strictly between 0 and 1 below x_max")


def test_char_ngrams_example(lab):
    """char_ngrams gives the docstring example with boundary markers."""
    assert_equal(list(lab.char_ngrams("her", 3, 4)), ["<he", "<her", "her", "her>", "er>"], what="n-grams of 'her'")


def test_fnv1a_example(lab):
    """fnv1a_32('a') is 0xe40c292c."""
    check(lab.fnv1a_32("a") == 0xE40C292C, "fnv1a_32('a') should be 0xe40c292c")


def test_pca_shape(lab):
    """pca_2d returns one 2-D point per row, centred at the origin."""
    xy = np.asarray(lab.pca_2d(np.arange(12.0).reshape(4, 3) ** 2))
    check(xy.shape == (4, 2), f"expected shape (4, 2), got {xy.shape}")
    assert_close(xy.mean(axis=0), np.zeros(2), atol=1e-9, what="the mean of the projected points")
