"""Hidden tests for lab 28 (classification metrics).

Oracles:

* accuracy, confusion matrix, precision / recall / F1, ROC-AUC and average
  precision: ``sklearn.metrics`` (``accuracy_score``, ``confusion_matrix``,
  ``precision_recall_fscore_support``, ``roc_auc_score``,
  ``average_precision_score``) to 1e-12, on random label sets and on
  adversarial ones (ties, a class absent from y_true or y_pred, one
  prediction for everything, a single sample, labels that never occur);
* ECE: the formula of the docstring, written out here (``ece`` below);
* bootstrap: the recipe of the docstring, written out here with the
  oracles above, plus statistical properties (paired resampling, seeds,
  coverage, interval width).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from autograder.testing import assert_close, check

warnings.filterwarnings("ignore", category=UndefinedMetricWarning)

EXACT = dict(atol=1e-12, rtol=0.0)
NAN = float("nan")
ZERO_DIVISIONS = (0.0, 1.0, NAN)


def sk_prf(y_true, y_pred, **kwargs):
    kwargs.setdefault("average", "binary")    # as precision_recall_f1 (sklearn's default is None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sk.precision_recall_fscore_support(y_true, y_pred, **kwargs)[:3]


def assert_prf(got, expected, what):
    check(isinstance(got, (tuple, list)) and len(got) == 3, f"{what}: precision_recall_f1 should return 3 values")
    for name, g, e in zip(("precision", "recall", "F1"), got, expected):
        if np.ndim(e) == 0:
            check(np.ndim(g) == 0, f"{what}: {name} should be a single float with this average")
        assert_close(np.asarray(g, dtype=np.float64), np.asarray(e, dtype=np.float64), **EXACT, what=f"{what}: {name}")


def ece(y_true, y_prob, n_bins):
    """The docstring's ECE: bins (edges[b], edges[b+1]], weighted by the fraction of samples."""
    y_true, y_prob = np.asarray(y_true), np.asarray(y_prob, dtype=np.float64)
    conf, correct = y_prob.max(axis=1), (y_prob.argmax(axis=1) == y_true)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    total = 0.0
    for b in range(n_bins):
        inside = (conf > edges[b]) & (conf <= edges[b + 1])
        if b == 0:
            inside |= conf == 0
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return total


def random_labels(rng, n, k):
    return rng.integers(0, k, n)


# ---- accuracy ------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_accuracy_matches_sklearn(lab):
    """accuracy equals sklearn's accuracy_score on ints, bools, strings, lists, tuples and one sample."""
    rng = np.random.default_rng(0)
    cases = [(random_labels(rng, n, k), random_labels(rng, n, k)) for n, k in [(1, 2), (7, 2), (50, 3), (31, 5)]]
    cases += [([True, False, True], [True, True, True]), (("a", "b", "c", "a"), ("a", "c", "c", "b")),
              (np.array(["cat", "dog"]), np.array(["dog", "dog"])), ([3], [4]), ([2, 2], [2, 2])]
    for y_true, y_pred in cases:
        got = lab.accuracy(y_true, y_pred)
        check(np.ndim(got) == 0, "accuracy should return a single float")
        assert_close(float(got), sk.accuracy_score(y_true, y_pred), **EXACT, what="accuracy")


@pytest.mark.points(1)
def test_accuracy_errors(lab):
    """accuracy raises ValueError for empty input, different lengths and 2-D labels."""
    check(lab.accuracy([1, 0], [1, 1]) == 0.5, "accuracy([1, 0], [1, 1]) should be 0.5")
    for y_true, y_pred in [([], []), ([1, 0], [1]), ([1], [1, 0]), ([[1, 0]], [[1, 0]]), (1, 1), (np.array(3), [3])]:
        with pytest.raises(ValueError):
            lab.accuracy(y_true, y_pred)


# ---- confusion matrix ----------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_confusion_matrix_matches_sklearn(lab):
    """confusion_matrix equals sklearn's (rows = true labels) on random and skewed label sets."""
    rng = np.random.default_rng(1)
    cases = [(random_labels(rng, n, k), random_labels(rng, n, k)) for n, k in [(1, 2), (20, 2), (40, 3), (60, 5), (9, 4)]]
    cases += [([0, 0, 0, 1], [0, 1, 1, 1]),           # asymmetric: transposing changes it
              ([0, 0, 0], [2, 2, 2]),                 # no class in common
              ([1, 1, 1], [1, 1, 1]),                 # a single class
              ([3, 1, 4, 1, 5], [3, 3, 3, 3, 3])]     # everything predicted one class
    for y_true, y_pred in cases:
        got = np.asarray(lab.confusion_matrix(y_true, y_pred))
        expected = sk.confusion_matrix(y_true, y_pred)
        check(got.shape == expected.shape, f"confusion matrix of shape {got.shape}, expected {expected.shape}")
        check(np.issubdtype(got.dtype, np.integer), f"the confusion matrix should hold ints, got {got.dtype}")
        check(np.array_equal(got, expected), "wrong counts (rows are TRUE labels, columns PREDICTED ones)")


@pytest.mark.points(4)
def test_confusion_matrix_labels(lab):
    """confusion_matrix with labels: their order, a subset (other samples ignored), labels that never occur, strings, bools."""
    y_true, y_pred = [0, 1, 2, 2, 0, 1, 3], [0, 2, 2, 1, 1, 1, 0]
    for labels in ([2, 0, 1, 3], [1, 0], [3], [0, 1, 2, 3, 7], [7, 2, 5]):
        got = np.asarray(lab.confusion_matrix(y_true, y_pred, labels))
        check(np.array_equal(got, sk.confusion_matrix(y_true, y_pred, labels=labels)),
              f"wrong confusion matrix with labels={labels}")
    y_true, y_pred = ["spam", "ham", "ham", "eggs"], ["ham", "ham", "spam", "spam"]
    check(np.array_equal(np.asarray(lab.confusion_matrix(y_true, y_pred)), sk.confusion_matrix(y_true, y_pred)),
          "wrong confusion matrix for string labels (sorted order)")
    got = np.asarray(lab.confusion_matrix(np.array(y_true), np.array(y_pred), labels=("spam", "eggs")))
    check(np.array_equal(got, sk.confusion_matrix(y_true, y_pred, labels=["spam", "eggs"])),
          "wrong confusion matrix for string labels in a given order")
    b_true, b_pred = [True, False, True, True], [False, False, True, False]
    check(np.array_equal(np.asarray(lab.confusion_matrix(b_true, b_pred)), sk.confusion_matrix(b_true, b_pred)),
          "wrong confusion matrix for bool labels")
    check(np.array_equal(np.asarray(lab.confusion_matrix(np.array([2]), np.array([5]))), [[0, 1], [0, 0]]),
          "one sample, true 2 predicted 5: [[0, 1], [0, 0]]")
    many = np.arange(300)
    got = np.asarray(lab.confusion_matrix(many, many[::-1], list(range(300))))
    check(np.array_equal(got, np.eye(300, dtype=int)[::-1]), "wrong confusion matrix with 300 labels")


@pytest.mark.points(1)
def test_confusion_matrix_errors(lab):
    """confusion_matrix raises ValueError for empty input, different lengths, empty or repeated labels."""
    check(np.array_equal(np.asarray(lab.confusion_matrix([0, 1], [1, 1], [1, 0])), [[1, 0], [1, 0]]),
          "confusion_matrix([0, 1], [1, 1], labels=[1, 0]) should be [[1, 0], [1, 0]]")
    for args in [([], []), ([0, 1], [0]), ([[0, 1]], [[0, 1]]), ([0, 1], [0, 1], []), ([0, 1], [0, 1], [0, 1, 0])]:
        with pytest.raises(ValueError):
            lab.confusion_matrix(*args)


# ---- precision, recall, F1 -----------------------------------------------------------------------------------


def binary_cases(rng):
    cases = [(rng.integers(0, 2, n), rng.integers(0, 2, n)) for n in (1, 2, 5, 17, 40, 40)]
    cases += [([0, 0, 0], [0, 0, 0]),        # positive class absent everywhere: 0/0 everywhere
              ([1, 1, 1], [1, 1, 1]),        # negative class absent
              ([0, 1, 0, 0], [1, 1, 1, 1]),  # everything predicted positive
              ([1, 1, 0, 1], [0, 0, 0, 0]),  # nothing predicted positive: precision 0/0
              ([0, 0, 0, 0], [0, 1, 0, 0]),  # no positive in y_true: recall 0/0
              ([1], [0]), ([0], [1])]
    return cases


@pytest.mark.points(4)
def test_prf_binary_matches_sklearn(lab):
    """average='binary' equals sklearn for pos_label 1 and 0, every zero_division, including 0/0 cases."""
    rng = np.random.default_rng(2)
    for (y_true, y_pred), pos_label, zd in itertools.product(binary_cases(rng), (1, 0), ZERO_DIVISIONS):
        got = lab.precision_recall_f1(y_true, y_pred, pos_label=pos_label, zero_division=zd)
        expected = sk_prf(y_true, y_pred, average="binary", pos_label=pos_label, zero_division=zd)
        assert_prf(got, expected, f"binary, pos_label={pos_label}, zero_division={zd}")


@pytest.mark.points(3)
def test_prf_binary_defaults_and_types(lab):
    """binary is the default average with pos_label=1 and zero_division=0; bools, strings and tuples work; labels is ignored."""
    y_true, y_pred = [0, 1, 1, 0, 1], [1, 1, 0, 0, 1]
    assert_prf(lab.precision_recall_f1(y_true, y_pred), sk_prf(y_true, y_pred, average="binary"), "defaults")
    assert_prf(lab.precision_recall_f1([1, 1, 0], [0, 0, 0]), (0.0, 0.0, 0.0),
               "defaults, nothing predicted positive (zero_division=0)")
    b_true, b_pred = np.array([True, False, True, True]), np.array([True, True, False, True])
    assert_prf(lab.precision_recall_f1(b_true, b_pred), sk_prf(b_true, b_pred, average="binary"), "bool labels")
    assert_prf(lab.precision_recall_f1(b_true, b_pred, pos_label=False), sk_prf(b_true, b_pred, pos_label=False),
               "bool labels, pos_label=False")
    s_true, s_pred = ("spam", "ham", "spam", "ham", "ham"), ("spam", "spam", "ham", "ham", "ham")
    for pos in ("spam", "ham"):
        assert_prf(lab.precision_recall_f1(s_true, s_pred, pos_label=pos), sk_prf(s_true, s_pred, pos_label=pos),
                   f"string labels, pos_label={pos!r}")
    assert_prf(lab.precision_recall_f1(y_true, y_pred, labels=[0]), sk_prf(y_true, y_pred, average="binary"),
               "labels is ignored with average='binary'")
    assert_prf(lab.precision_recall_f1(["a", "a"], ["a", "a"], pos_label="b", zero_division=1.0), (1.0, 1.0, 1.0),
               "a pos_label that never occurs (one label present): every ratio is 0/0")


@pytest.mark.points(3)
def test_prf_binary_errors(lab):
    """average='binary' raises ValueError for three labels and for a pos_label that is not one of two labels."""
    lab.precision_recall_f1([0, 2], [2, 2], pos_label=2)
    for y_true, y_pred, pos in [([0, 1, 2], [0, 1, 1], 1), ([0, 1], [0, 2], 1), ([0, 2], [2, 2], 1),
                                (["a", "b"], ["b", "b"], 1)]:
        with pytest.raises(ValueError):
            lab.precision_recall_f1(y_true, y_pred, pos_label=pos)


def multiclass_cases(rng):
    cases = []
    for n, k in [(1, 3), (3, 3), (8, 3), (25, 4), (60, 5), (12, 6)]:
        cases.append((rng.integers(0, k, n), rng.integers(0, k, n), None))
    cases += [([0, 1, 2, 0, 1], [0, 0, 0, 0, 0], None),        # every prediction one class
              ([0, 0, 1, 1, 1], [0, 2, 1, 2, 2], None),        # class 2 only predicted
              ([0, 1, 2, 2, 2], [0, 1, 1, 1, 0], None),        # class 2 never predicted
              ([0, 1, 2, 2, 2], [0, 1, 1, 1, 0], [2, 0, 1, 5]),  # a label that never occurs
              ([0, 1, 2, 2, 3], [0, 1, 1, 2, 3], [1, 2]),      # a subset of the classes
              ([0, 1, 2, 2, 3], [0, 1, 1, 2, 3], [7]),         # nothing at all: every support 0
              ([0, 0, 0, 1], [1, 1, 2, 1], [2, 1]),            # weights 0 where the score is defined
              ([0, 0, 1], [1, 1, 1], [0, 1]),                  # nan precision with the larger support
              (rng.integers(0, 4, 30), rng.integers(0, 4, 30), [3, 1, 0])]
    return cases


@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
@pytest.mark.points(4)
def test_prf_average_matches_sklearn(lab, average):
    """precision_recall_f1 with this average equals sklearn on random and adversarial sets, every zero_division, with and without labels."""
    rng = np.random.default_rng(3)
    for (y_true, y_pred, labels), zd in itertools.product(multiclass_cases(rng), ZERO_DIVISIONS):
        got = lab.precision_recall_f1(y_true, y_pred, average=average, labels=labels, zero_division=zd)
        expected = sk_prf(y_true, y_pred, average=average, labels=labels, zero_division=zd)
        assert_prf(got, expected, f"average={average!r}, zero_division={zd}, labels={labels}")


@pytest.mark.points(3)
def test_prf_averages_by_hand(lab):
    """macro counts a class only predicted; weighted uses TRUE support; micro pools the counts (= accuracy)."""
    # class 2 is only predicted: its F1 is 0 and macro averages over 3 classes
    y_true, y_pred = [0, 0, 1, 1], [0, 2, 1, 1]
    p, r, f = lab.precision_recall_f1(y_true, y_pred, average="macro")
    assert_close(f, (2 / 3 + 1 + 0) / 3, **EXACT, what="macro F1 with a class that is only predicted")
    assert_close(r, (0.5 + 1 + 0) / 3, **EXACT, what="macro recall with a class that is only predicted")
    # weighted by support 3 and 1, not by predictions 1 and 3
    y_true, y_pred = [0, 0, 0, 1], [0, 1, 1, 1]
    p, r, f = lab.precision_recall_f1(y_true, y_pred, average="weighted")
    assert_close(p, 0.75 * 1 + 0.25 * (1 / 3), **EXACT, what="weighted precision (weights: true support)")
    assert_close(r, 0.75 * (1 / 3) + 0.25 * 1, **EXACT, what="weighted recall (weights: true support)")
    y_true, y_pred = [0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 0]
    p, r, f = lab.precision_recall_f1(y_true, y_pred, average="micro")
    for name, value in (("precision", p), ("recall", r), ("F1", f)):
        assert_close(value, 0.5, **EXACT, what=f"micro {name} (equals the accuracy here)")


@pytest.mark.points(3)
def test_prf_zero_division_option(lab):
    """zero_division=0, 1 and nan each give their value exactly where a ratio is 0/0, in every average."""
    y_true, y_pred = [0, 0, 1, 1], [0, 0, 0, 0]        # class 1 never predicted: its precision is 0/0
    for zd in ZERO_DIVISIONS:
        p, r, f = lab.precision_recall_f1(y_true, y_pred, average=None, zero_division=zd)
        assert_close(np.asarray(p), [0.5, zd], **EXACT, what=f"per-class precision, zero_division={zd}")
        p, r, f = lab.precision_recall_f1(y_true, y_pred, average="macro", zero_division=zd)
        assert_close(p, 0.5 if math.isnan(zd) else (0.5 + zd) / 2, **EXACT,
                     what=f"macro precision leaves NaN out, zero_division={zd}")
    for zd in ZERO_DIVISIONS:   # nothing of class 3 anywhere: F1 is 0/0 as well
        got = lab.precision_recall_f1([0, 1], [1, 0], average=None, labels=[3], zero_division=zd)
        assert_prf(got, ([zd], [zd], [zd]), f"a label that never occurs, zero_division={zd}")
        for average in ("micro", "macro", "weighted"):
            got = lab.precision_recall_f1([0, 1], [1, 0], average=average, labels=[3], zero_division=zd)
            assert_prf(got, (zd, zd, zd), f"average={average!r}, every ratio 0/0, zero_division={zd}")
    p, r, f = lab.precision_recall_f1([0, 0], [1, 1], average="weighted", labels=[0, 1], zero_division=NAN)
    assert_close(p, 0.0, **EXACT, what="weighted precision: after leaving NaN out the supports are all 0 (plain mean)")


@pytest.mark.points(1)
def test_prf_average_compared_by_value(lab):
    """average is compared by value: a string built at run time works like the literal."""
    for average in ("binary", "micro", "macro", "weighted"):
        built = "".join(list(average))        # equal to the literal, but another object
        if average == "binary":
            y_true, y_pred = [0, 1, 1, 0, 1], [1, 1, 0, 0, 1]
        else:
            y_true, y_pred = [0, 1, 2, 2, 2, 0], [0, 2, 2, 2, 0, 1]
        assert_prf(lab.precision_recall_f1(y_true, y_pred, average=built),
                   sk_prf(y_true, y_pred, average=average), f"average={average!r} built at run time")


@pytest.mark.points(2)
def test_prf_input_types(lab):
    """precision_recall_f1 accepts strings, bools, lists, tuples and arrays, with labels of the same kind."""
    s_true = ["pos", "neg", "neu", "pos", "neg", "neu", "pos"]
    s_pred = ("pos", "pos", "neu", "neg", "neg", "pos", "neu")
    for average, labels in [("macro", None), ("weighted", ["neu", "pos"]), (None, None), ("micro", ("neg", "pos"))]:
        assert_prf(lab.precision_recall_f1(s_true, s_pred, average=average, labels=labels),
                   sk_prf(s_true, s_pred, average=average, labels=labels), f"string labels, average={average!r}")
    b_true, b_pred = np.array([True, False, False, True]), [False, False, True, True]
    for average in ("macro", "weighted", None):
        assert_prf(lab.precision_recall_f1(b_true, b_pred, average=average),
                   sk_prf(b_true, b_pred, average=average), f"bool labels, average={average!r}")


@pytest.mark.points(2)
def test_prf_errors(lab):
    """precision_recall_f1 raises ValueError for a bad average or zero_division, bad labels, empty or unequal inputs."""
    lab.precision_recall_f1([0, 1, 2], [0, 1, 1], average="macro", zero_division=1)
    bad = [dict(average="samples"), dict(average="mean"), dict(average="macro", zero_division=0.5),
           dict(average="macro", zero_division=2.0), dict(average="macro", labels=[]),
           dict(average="macro", labels=[0, 1, 1])]
    for kwargs in bad:
        with pytest.raises(ValueError):
            lab.precision_recall_f1([0, 1, 2], [0, 1, 1], **kwargs)
    for y_true, y_pred in [([], []), ([0, 1], [0]), ([[0, 1]], [[0, 1]])]:
        with pytest.raises(ValueError):
            lab.precision_recall_f1(y_true, y_pred, average="macro")
    with pytest.raises(TypeError):   # average, labels, pos_label and zero_division are keyword-only
        lab.precision_recall_f1([0, 1, 2], [0, 1, 1], "macro")


# ---- ROC-AUC and average precision ---------------------------------------------------------------------------


def score_cases(rng, min_pos=1, min_neg=1):
    cases = []
    for n in (2, 5, 13, 40, 101):
        for discrete in (False, True):
            while True:
                y = rng.integers(0, 2, n)
                if y.sum() >= min_pos and n - y.sum() >= min_neg:
                    break
            s = rng.integers(0, 4, n) / 4 if discrete else rng.normal(size=n)
            cases.append((y, s))
    return cases


@pytest.mark.points(4)
def test_roc_auc_matches_sklearn(lab):
    """roc_auc equals sklearn's roc_auc_score on random continuous and heavily tied scores."""
    rng = np.random.default_rng(4)
    cases = score_cases(rng)
    got = lab.map(lab.roc_auc, cases)
    for (y, s), g in zip(cases, got):
        assert_close(g, sk.roc_auc_score(y, s), **EXACT, what=f"ROC-AUC on {len(y)} samples")


@pytest.mark.points(5)
def test_roc_auc_ties(lab):
    """roc_auc counts a tied (positive, negative) pair as one half, whatever the order of the samples."""
    check(lab.roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5, "all scores tied: ROC-AUC is 0.5")
    check(lab.roc_auc([1, 0], [3.0, 3.0]) == 0.5, "two tied samples: ROC-AUC is 0.5")
    y, s = [1, 1, 0, 0, 1, 0], [0.9, 0.4, 0.4, 0.4, 0.1, 0.1]
    expected = sk.roc_auc_score(y, s)
    rng = np.random.default_rng(5)
    for _ in range(6):
        perm = rng.permutation(len(y))
        assert_close(lab.roc_auc(np.asarray(y)[perm], np.asarray(s)[perm]), expected, **EXACT,
                     what="ROC-AUC with ties, samples in another order")
    assert_close(lab.roc_auc([0, 0, 1, 1], [1, 0, 1, 0]), 0.5, **EXACT, what="ROC-AUC with tied 0/1 scores")


@pytest.mark.points(2)
def test_roc_auc_inputs(lab):
    """roc_auc accepts bool labels, lists, tuples and int scores; perfect and reversed rankings give 1 and 0."""
    check(lab.roc_auc([False, True], [0.1, 0.2]) == 1.0, "bool labels, perfect ranking: 1.0")
    check(lab.roc_auc((1, 0, 1), (1, 2, 3)) == 0.5, "int scores in tuples: 0.5")
    check(lab.roc_auc(np.array([1, 1, 0]), np.array([-1.0, -2.0, 5.0])) == 0.0, "reversed ranking: 0.0")
    y, s = np.array([True, False, True, False, True]), np.array([3, 1, 1, 2, 5])
    assert_close(lab.roc_auc(y, s), sk.roc_auc_score(y, s), **EXACT, what="ROC-AUC with bool labels and int scores")


@pytest.mark.points(2)
def test_roc_auc_errors(lab):
    """roc_auc raises ValueError for one class only, labels other than 0/1, empty or unequal inputs."""
    check(lab.roc_auc([0, 1], [0.0, 1.0]) == 1.0, "roc_auc([0, 1], [0, 1]) should be 1")
    for y, s in [([1, 1, 1], [0.1, 0.2, 0.3]), ([0, 0], [0.1, 0.2]), ([1], [0.5]), ([0, 2], [0.1, 0.2]),
                 ([], []), ([0, 1], [0.5]), ([[0, 1]], [[0.1, 0.2]])]:
        with pytest.raises(ValueError):
            lab.roc_auc(y, s)


@pytest.mark.points(4)
def test_average_precision_matches_sklearn(lab):
    """average_precision equals sklearn's average_precision_score on random continuous and heavily tied scores."""
    rng = np.random.default_rng(6)
    cases = score_cases(rng, min_neg=0) + [(np.ones(4, int), rng.normal(size=4))]
    got = lab.map(lab.average_precision, cases)
    for (y, s), g in zip(cases, got):
        assert_close(g, sk.average_precision_score(y, s), **EXACT, what=f"average precision on {len(y)} samples")


@pytest.mark.points(5)
def test_average_precision_ties_and_steps(lab):
    """average_precision is a step sum over distinct thresholds (ties cross together), not a trapezoid."""
    y, s = [1, 0, 1, 1, 0, 0], [0.9, 0.8, 0.7, 0.7, 0.7, 0.1]
    assert_close(lab.average_precision(y, s), sk.average_precision_score(y, s), **EXACT,
                 what="average precision with a tied threshold")
    rng = np.random.default_rng(7)
    for _ in range(4):
        perm = rng.permutation(len(y))
        assert_close(lab.average_precision(np.asarray(y)[perm], np.asarray(s)[perm]),
                     sk.average_precision_score(y, s), **EXACT, what="average precision, samples in another order")
    assert_close(lab.average_precision([0, 1, 0, 1, 1], [2.0] * 5), 0.6, **EXACT,
                 what="all scores tied: average precision is the prevalence")
    assert_close(lab.average_precision([0, 1], [0.9, 0.1]), 0.5, **EXACT,
                 what="a negative ranked first: step sum 1 x 1/2 (a trapezoid would give 0.75)")
    assert_close(lab.average_precision([1, 0, 1], [0.9, 0.5, 0.1]), (1 + 2 / 3) / 2, **EXACT,
                 what="step sum (a trapezoid interpolates between thresholds)")


@pytest.mark.points(2)
def test_average_precision_inputs(lab):
    """average_precision: all positives give 1, one positive at rank r gives 1/r; bools, lists, int scores work."""
    check(lab.average_precision([1, 1, 1], [0.1, 0.5, 0.2]) == 1.0, "only positives: 1.0")
    check(lab.average_precision([1], [0.3]) == 1.0, "a single positive sample: 1.0")
    assert_close(lab.average_precision([0, 0, 1, 0], [4, 3, 2, 1]), 1 / 3, **EXACT,
                 what="one positive ranked third (int scores)")
    y, s = (True, False, True, False), (0.2, 0.9, 0.4, 0.1)
    assert_close(lab.average_precision(y, s), sk.average_precision_score(y, s), **EXACT,
                 what="bool labels in a tuple")


@pytest.mark.points(1)
def test_average_precision_errors(lab):
    """average_precision raises ValueError without a positive, for labels other than 0/1, empty or unequal inputs."""
    check(lab.average_precision([0, 1], [0.0, 1.0]) == 1.0, "average_precision([0, 1], [0, 1]) should be 1")
    for y, s in [([0, 0, 0], [0.1, 0.2, 0.3]), ([0, 2], [0.1, 0.2]), ([-1, 1], [0.1, 0.2]), ([], []),
                 ([0, 1], [0.5]), ([[0, 1]], [[0.1, 0.2]])]:
        with pytest.raises(ValueError):
            lab.average_precision(y, s)


# ---- expected calibration error ------------------------------------------------------------------------------


def random_probs(rng, n, k, sharp):
    logits = rng.normal(size=(n, k)) * sharp
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(k, p=row) for row in probs])
    return labels, probs


@pytest.mark.points(5)
def test_ece_matches_formula(lab):
    """expected_calibration_error equals the docstring's formula on random probabilities, bins and class counts."""
    rng = np.random.default_rng(8)
    cases = []
    for n, k, n_bins, sharp in [(1, 2, 15, 1.0), (10, 2, 5, 2.0), (50, 3, 10, 1.0), (200, 5, 15, 3.0),
                                (64, 4, 1, 1.0), (30, 2, 40, 0.5), (80, 10, 7, 2.0)]:
        labels, probs = random_probs(rng, n, k, sharp)
        cases.append((labels, probs, n_bins))
    got = lab.map(lab.expected_calibration_error, cases)
    for (labels, probs, n_bins), g in zip(cases, got):
        check(np.ndim(g) == 0, "expected_calibration_error should return a float")
        assert_close(g, ece(labels, probs, n_bins), **EXACT, what=f"ECE, {len(labels)} samples, n_bins={n_bins}")
    labels, probs = random_probs(rng, 40, 3, 2.0)
    assert_close(lab.expected_calibration_error(labels, probs), ece(labels, probs, 15), **EXACT,
                 what="ECE with the default n_bins=15")
    assert_close(lab.expected_calibration_error(labels.tolist(), probs.tolist(), 6), ece(labels, probs, 6), **EXACT,
                 what="ECE from lists")


@pytest.mark.points(4)
def test_ece_bin_edges(lab):
    """ECE bins are closed on the right: a confidence exactly on an edge belongs to the lower bin."""
    # 4 bins, edges 0, .25, .5, .75, 1: confidences on the edges .5, .75 and 1 and inside a bin
    probs = np.array([[0.5, 0.5], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75], [1.0, 0.0],
                      [0.0, 1.0], [0.625, 0.375], [0.375, 0.625]])
    labels = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    for n_bins in (4, 2, 8, 3):
        assert_close(lab.expected_calibration_error(labels, probs, n_bins), ece(labels, probs, n_bins), **EXACT,
                     what=f"ECE with confidences on the bin edges, n_bins={n_bins}")
    # 0.5 and 0.75 land in (0.25, 0.5] and (0.5, 0.75]: |1/2 - 1/2| * 2/4 + |0 - 3/4| * 2/4
    probs = np.array([[0.5, 0.5], [0.5, 0.5], [0.75, 0.25], [0.75, 0.25]])
    assert_close(lab.expected_calibration_error([0, 1, 1, 1], probs, 4), 0.375, **EXACT,
                 what="right-closed bins on edges 0.5 and 0.75")


@pytest.mark.points(2)
def test_ece_named_values(lab):
    """ECE: perfect calibration gives 0, one bin gives |accuracy - mean confidence|, argmax ties go to the first class."""
    probs = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    check(lab.expected_calibration_error([0, 2], probs, 10) == 0.0, "confident and right: ECE 0")
    check(lab.expected_calibration_error([1, 0], probs, 10) == 1.0, "confident and wrong: ECE 1")
    probs = np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.8], [0.9, 0.1]])
    labels = [0, 1, 1, 0]
    # one bin: accuracy 3/4 (the first class wins the 0.5/0.5 ties), mean confidence 2.7/4
    assert_close(lab.expected_calibration_error(labels, probs, 1), abs(0.75 - 0.675), **EXACT,
                 what="n_bins=1 gives |accuracy - mean confidence|")
    assert_close(lab.expected_calibration_error(labels, probs, 100), ece(labels, probs, 100), **EXACT,
                 what="many bins, most of them empty")
    # the lowest bins: confidence 1/4 in (0, 1/4], 1/2 in (1/4, 1/2], and a row of zeros (confidence 0: bin 0)
    probs = np.array([[0.25] * 4, [0.25] * 4, [0.5, 0.5, 0, 0], [0.5, 0.5, 0, 0], [0.0] * 4, [0.75, 0.25, 0, 0]])
    labels = [1, 1, 0, 1, 0, 1]
    for n_bins in (4, 2, 1):
        assert_close(lab.expected_calibration_error(labels, probs, n_bins), ece(labels, probs, n_bins), **EXACT,
                     what=f"ECE with confidences in the lowest bins and a confidence of 0, n_bins={n_bins}")


@pytest.mark.points(2)
def test_ece_errors(lab):
    """ECE raises ValueError for 1-D or one-column probabilities, unequal lengths, labels out of range, n_bins < 1, empty input."""
    probs = np.array([[0.7, 0.3], [0.4, 0.6]])
    assert_close(lab.expected_calibration_error([0, 1], probs, 1), 1 - (0.7 + 0.6) / 2, **EXACT,
                 what="ECE of 2 right samples of mean confidence 0.65")
    for y, p, b in [([0, 1], np.array([0.7, 0.4]), 5), ([0, 0], np.array([[1.0], [1.0]]), 5), ([0], probs, 5),
                    ([0, 1], probs[None], 5), ([0, 2], probs, 5), ([-1, 0], probs, 5), ([0, 1], probs, 0),
                    ([0, 1], probs, -1), ([], np.zeros((0, 2)), 5)]:
        with pytest.raises(ValueError):
            lab.expected_calibration_error(y, p, b)


# ---- bootstrap -----------------------------------------------------------------------------------------------


ORACLES = {
    "accuracy": lambda t, p: float(np.mean(t == p)),    # = sk.accuracy_score, faster
    "precision": lambda t, p, **kw: sk_prf(t, p, **kw)[0],
    "recall": lambda t, p, **kw: sk_prf(t, p, **kw)[1],
    "f1": lambda t, p, **kw: sk_prf(t, p, **kw)[2],
    "roc_auc": lambda t, s: sk.roc_auc_score(t, s),
    "average_precision": lambda t, s: sk.average_precision_score(t, s),
    "ece": lambda t, p, n_bins=15: ece(t, p, n_bins),
}


def recipe(metric, y_true, y_score, n_resamples=1000, confidence=0.95, seed=0, **kwargs):
    """The docstring's recipe, with the oracles; resamples where the metric is undefined are dropped."""
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    oracle = ORACLES[metric]
    n = len(y_true)
    idx = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))
    values = []
    for rows in idx:
        t = y_true[rows]
        if metric == "roc_auc" and len(np.unique(t)) < 2 or metric == "average_precision" and not t.any():
            continue
        values.append(oracle(t, y_score[rows], **kwargs))
    alpha = 1 - confidence
    return (oracle(y_true, y_score, **kwargs), np.percentile(values, 100 * alpha / 2),
            np.percentile(values, 100 * (1 - alpha / 2)))


@pytest.mark.points(6)
def test_bootstrap_follows_recipe(lab):
    """bootstrap_ci follows the documented recipe (one integers draw, paired rows, dropped resamples, linear percentiles)."""
    rng = np.random.default_rng(9)
    y = rng.integers(0, 3, 30)
    pred = np.where(rng.random(30) < 0.7, y, rng.integers(0, 3, 30))
    yb = rng.integers(0, 2, 8)
    yb[:2] = [0, 1]
    sb = rng.normal(size=8) + yb
    labels, probs = random_probs(rng, 25, 3, 2.0)
    cases = [("accuracy", y, pred, dict(n_resamples=200, seed=1)),
             ("accuracy", y, pred, dict(n_resamples=7, confidence=0.5, seed=3)),
             ("f1", y, pred, dict(n_resamples=60, seed=2, average="macro")),
             ("precision", y, pred, dict(n_resamples=3, confidence=0.9, seed=5, average="weighted", zero_division=1.0)),
             ("recall", y, pred, dict(n_resamples=50, seed=8, average="macro")),
             ("recall", y, pred, dict(n_resamples=20, seed=8, average="micro")),
             ("roc_auc", yb, sb, dict(n_resamples=100, seed=4, confidence=0.8)),
             ("average_precision", yb, sb, dict(n_resamples=60, seed=6)),
             ("ece", labels, probs, dict(n_resamples=100, seed=7, n_bins=5))]
    for metric, t, s, kwargs in cases:
        got = lab.bootstrap_ci(metric, t, s, **kwargs)
        check(len(got) == 3, "bootstrap_ci should return (estimate, low, high)")
        assert_close(np.asarray(got, dtype=np.float64), np.asarray(recipe(metric, t, s, **kwargs)), **EXACT,
                     what=f"(estimate, low, high) for {metric} with {kwargs}")
    got = lab.bootstrap_ci("accuracy", y.tolist(), pred.tolist())
    assert_close(np.asarray(got), np.asarray(recipe("accuracy", y, pred)), **EXACT,
                 what="bootstrap_ci with the defaults (1000 resamples, 95 %, seed 0), lists")
    got = lab.bootstrap_ci("ece", labels, probs, n_bins=4)
    assert_close(np.asarray(got), np.asarray(recipe("ece", labels, probs, n_bins=4)), **EXACT,
                 what="bootstrap_ci of the ECE with the defaults (1000 resamples, 95 %, seed 0)")
    got = lab.bootstrap_ci("f1", yb == 1, sb > 0, n_resamples=40)
    assert_close(np.asarray(got), np.asarray(recipe("f1", yb == 1, sb > 0, n_resamples=40)), **EXACT,
                 what="bootstrap_ci of binary F1 with bool labels")


@pytest.mark.points(4)
def test_bootstrap_properties(lab):
    """bootstrap_ci resamples pairs together, is reproducible per seed, and its interval shrinks with more data."""
    y = np.arange(40) % 4
    check(tuple(lab.bootstrap_ci("accuracy", y, y, n_resamples=200, seed=1)) == (1.0, 1.0, 1.0),
          "perfect predictions: every paired resample has accuracy 1 (pairs must stay together)")
    rng = np.random.default_rng(10)
    small_t = rng.integers(0, 2, 40)
    small_p = np.where(rng.random(40) < 0.75, small_t, 1 - small_t)
    a = lab.bootstrap_ci("accuracy", small_t, small_p, n_resamples=300, seed=11)
    check(tuple(lab.bootstrap_ci("accuracy", small_t, small_p, n_resamples=300, seed=11)) == tuple(a),
          "the same seed should give the same interval")
    b = lab.bootstrap_ci("accuracy", small_t, small_p, n_resamples=300, seed=12)
    check(tuple(a[1:]) != tuple(b[1:]), "another seed should give another interval")
    est, low, high = a
    check(low <= est <= high, "the interval should contain the estimate here")
    big_t = rng.integers(0, 2, 1000)
    big_p = np.where(rng.random(1000) < 0.75, big_t, 1 - big_t)
    _, big_low, big_high = lab.bootstrap_ci("accuracy", big_t, big_p, n_resamples=300, seed=11)
    check(big_high - big_low < (high - low) / 2, "25x more data should give a much narrower interval")
    # width close to the normal approximation 2 * 1.96 * sqrt(p (1 - p) / n)
    p = np.mean(big_t == big_p)
    check(abs((big_high - big_low) / (2 * 1.96 * math.sqrt(p * (1 - p) / 1000)) - 1) < 0.2,
          "the 95 % interval of an accuracy should be about 2 x 1.96 standard errors wide")
    _, low90, high90 = lab.bootstrap_ci("accuracy", big_t, big_p, n_resamples=300, seed=11, confidence=0.5)
    check(big_low < low90 <= high90 < big_high, "a 50 % interval should lie inside the 95 % one")


@pytest.mark.points(2)
def test_bootstrap_errors(lab):
    """bootstrap_ci raises ValueError for an unknown metric, bad n_resamples or confidence, average=None, and undefined metrics."""
    lab.bootstrap_ci("roc_auc", [0, 1, 1], [0.1, 0.9, 0.8], n_resamples=20)
    check(tuple(lab.bootstrap_ci("accuracy", [0, 1], [0, 1], n_resamples=1)) == (1.0, 1.0, 1.0),
          "n_resamples=1 is allowed")
    with pytest.raises(TypeError):   # n_resamples, confidence and seed are keyword-only
        lab.bootstrap_ci("accuracy", [0, 1], [0, 1], 10)
    bad = [("auc", [0, 1], [0, 1], {}), ("accuracy", [0, 1], [0, 1], dict(n_resamples=0)),
           ("accuracy", [0, 1], [0, 1], dict(confidence=1.0)), ("accuracy", [0, 1], [0, 1], dict(confidence=0.0)),
           ("accuracy", [0, 1], [0, 1], dict(confidence=-0.5)), ("accuracy", [0, 1], [0, 1], dict(confidence=1.5)),
           ("accuracy", [0, 1], [0, 1], dict(n_resamples=-1)),
           ("f1", [0, 1, 2], [0, 1, 1], dict(average=None)),
           ("roc_auc", [1, 1], [0.1, 0.9], {}),                       # undefined on all the data
           ("accuracy", [0, 1], [0], {})]
    for metric, t, s, kwargs in bad:
        with pytest.raises(ValueError):
            lab.bootstrap_ci(metric, t, s, **kwargs)
    # defined on all the data but on no resample: one positive in 1 of 2 samples, one resample of (0, 0)
    seed = next(s for s in range(100) if not np.random.default_rng(s).integers(0, 2, size=(1, 2)).any())
    with pytest.raises(ValueError):
        lab.bootstrap_ci("roc_auc", [1, 0], [0.9, 0.1], n_resamples=1, seed=seed)
