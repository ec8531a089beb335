"""Public sanity checks for lab 28 (classification metrics).

Run with ``autograder test lab28_classification_metrics``. Passing these
does not mean the hidden tests pass: they compare every function with
``sklearn.metrics`` to 1e-12 on random and adversarial label sets (ties, a
class absent from y_true or y_pred, labels that never occur, every
``average`` x ``zero_division``), check the ECE binning on the bin edges,
the bootstrap recipe draw by draw, and every error the docstrings name.
scikit-learn is installed for you to compare with here; ``metrics.py``
itself may not import it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.testing import assert_close, check


def test_accuracy(lab):
    """accuracy counts equal labels."""
    assert_close(lab.accuracy([0, 1, 2, 2], [0, 2, 2, 2]), 0.75, atol=1e-12, rtol=0, what="accuracy")
    with pytest.raises(ValueError):
        lab.accuracy([0, 1], [0])


def test_confusion_matrix_orientation(lab):
    """Rows of the confusion matrix are the true labels, columns the predicted ones."""
    got = np.asarray(lab.confusion_matrix([0, 0, 0, 1], [0, 1, 1, 1]))
    check(got.shape == (2, 2), f"expected a 2 x 2 matrix, got shape {got.shape}")
    check(np.array_equal(got, [[1, 2], [0, 1]]), "C[i, j] counts true labels[i] predicted labels[j]")


def test_prf_binary(lab):
    """Binary precision, recall and F1 of the class 1."""
    p, r, f = lab.precision_recall_f1([1, 1, 0, 0, 1], [1, 0, 1, 0, 1])
    assert_close([p, r, f], [2 / 3, 2 / 3, 2 / 3], atol=1e-12, rtol=0, what="(precision, recall, F1)")


def test_prf_macro_counts_predicted_only_class(lab):
    """Macro F1 averages over every label of y_true and y_pred (a class only predicted counts, with F1 0)."""
    _, _, f = lab.precision_recall_f1([0, 0, 1, 1], [0, 2, 1, 1], average="macro")
    assert_close(f, (2 / 3 + 1 + 0) / 3, atol=1e-12, rtol=0, what="macro F1")


def test_prf_zero_division(lab):
    """A 0/0 precision is zero_division."""
    for zd in (0.0, 1.0):
        p, _, _ = lab.precision_recall_f1([1, 1, 0], [0, 0, 0], zero_division=zd)
        check(p == zd, f"nothing predicted positive: precision should be zero_division={zd}")
    p, _, _ = lab.precision_recall_f1([1, 1, 0], [0, 0, 0], zero_division=float("nan"))
    check(math.isnan(p), "zero_division=nan should give NaN")


def test_roc_auc_ties(lab):
    """A tied positive/negative pair counts one half."""
    check(lab.roc_auc([0, 1], [0.3, 0.3]) == 0.5, "two tied scores: ROC-AUC 0.5")
    assert_close(lab.roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75, atol=1e-12, rtol=0, what="ROC-AUC")


def test_average_precision(lab):
    """Average precision is a step sum over the thresholds."""
    assert_close(lab.average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), (1 + 2 / 3) / 2, atol=1e-12, rtol=0,
                 what="average precision")


def test_ece_one_bin(lab):
    """With one bin, ECE is |accuracy - mean confidence|."""
    probs = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]])
    assert_close(lab.expected_calibration_error([0, 1, 1], probs, 1), abs(2 / 3 - (0.9 + 0.7 + 0.6) / 3),
                 atol=1e-12, rtol=0, what="ECE with n_bins=1")


def test_bootstrap_reproducible(lab):
    """bootstrap_ci returns (estimate, low, high), the same for the same seed."""
    y_true, y_pred = [0, 1, 1, 0, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 1]
    got = lab.bootstrap_ci("accuracy", y_true, y_pred, n_resamples=200, seed=3)
    check(len(got) == 3 and got[1] <= got[0] <= got[2], "expected (estimate, low, high) with low <= estimate <= high")
    check(tuple(lab.bootstrap_ci("accuracy", y_true, y_pred, n_resamples=200, seed=3)) == tuple(got),
          "the same seed should give the same interval")
