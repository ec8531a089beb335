"""Public sanity checks for lab 30 (imbalanced classes).

Run with ``autograder test lab30_imbalance``. Passing these does not mean
the hidden tests pass: those compare your results with scikit-learn,
imbalanced-learn and torch on many inputs (every input type, a class of one
sample, ties, float32 logits of magnitude 1e4, gradients, ignore_index) and
check the documented random draws exactly.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_balanced_class_weights(lab):
    """balanced_class_weights: n_samples / (n_classes * n_c)."""
    w = lab.balanced_class_weights([0, 0, 0, 1])
    assert_close(w, [4 / 6, 4 / 2], atol=0, rtol=1e-12, what="weights of [0, 0, 0, 1]")


def test_effective_number_weights(lab):
    """effective_number_weights: beta=0 gives ones; weights sum to the number of classes."""
    assert_close(lab.effective_number_weights([0, 0, 1], beta=0.0), [1.0, 1.0], atol=0, rtol=1e-12, what="beta=0")
    w = lab.effective_number_weights([0] * 100 + [1] * 10, beta=0.99)
    assert_close(float(w.sum()), 2.0, atol=0, rtol=1e-12, what="the sum of the weights")
    check(w[1] > w[0], "the smaller class should weigh more")


def test_random_oversample(lab):
    """random_oversample: every class reaches the largest class's size; the original rows come first."""
    y = np.array([0, 0, 0, 0, 1, 2, 2])
    X = np.arange(7)[:, None]
    X_res, y_res, idx = lab.random_oversample(X, y, 0)
    check(np.bincount(y_res).tolist() == [4, 4, 4], "each class should have 4 rows after over-sampling")
    check(idx[:7].tolist() == list(range(7)), "the indices should start with every original row, in order")
    check(np.array_equal(X_res[:, 0], idx), "X_res should be X[indices]")


def test_random_undersample(lab):
    """random_undersample: every class is cut to the smallest class's size, without repeats."""
    y = np.array([0, 0, 0, 0, 1, 2, 2])
    _, y_res, idx = lab.random_undersample(np.arange(7), y, 0)
    check(y_res.tolist() == [0, 1, 2], "one row per class, class by class")
    check(idx[1] == 4, "the smallest class keeps its row")


def test_balanced_sampler(lab):
    """balanced_sampler: one weight per sample, 1 / size of its class."""
    sampler = lab.balanced_sampler([0, 0, 0, 1], seed=0)
    assert_close(sampler.weights, torch.tensor([1 / 3, 1 / 3, 1 / 3, 1.0], dtype=torch.float64), atol=0, rtol=1e-12,
                 what="the per-sample weights")
    check(len(list(sampler)) == 4, "num_samples defaults to len(y)")


def test_focal_loss_gamma_zero(lab):
    """focal_loss at gamma=0 is the cross-entropy."""
    logits = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3]])
    target = torch.tensor([0, 2])
    assert_close(lab.focal_loss(logits, target, gamma=0.0), F.cross_entropy(logits, target), what="gamma=0")
    check(lab.focal_loss(logits, target, gamma=2.0) < F.cross_entropy(logits, target),
          "gamma > 0 should shrink the loss")


def test_stratified_split(lab):
    """stratified_split: 25 % of each class in the test set, disjoint and complete."""
    y = np.array([0] * 8 + [1] * 4)
    train, test = lab.stratified_split(y, 0.25, 0)
    check(np.bincount(y[test]).tolist() == [2, 1], "the test set should hold 2 rows of class 0 and 1 of class 1")
    check(sorted(train.tolist() + test.tolist()) == list(range(12)), "train and test should cover every row once")
