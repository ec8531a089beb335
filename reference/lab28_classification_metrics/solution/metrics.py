"""Lab 28: classification metrics.

Everything a classifier's evaluation report needs, written with numpy:
accuracy, the confusion matrix, precision / recall / F1 with every
averaging mode, ROC-AUC and average precision (the area under the
precision-recall curve), the expected calibration error, and bootstrap
confidence intervals for any of them.

``accuracy``, ``confusion_matrix``, ``precision_recall_f1``, ``roc_auc``
and ``average_precision`` agree with ``sklearn.metrics`` to 1e-12 on the
inputs their docstrings allow; ``expected_calibration_error`` and
``bootstrap_ci`` follow the exact recipes their docstrings state.
scikit-learn may not be imported in this file (a code check takes 50
points off): the point is to write the metrics.

Labels
------
``y_true`` and ``y_pred`` (label vectors) are lists, tuples or 1-D numpy
arrays of ints, bools or strings, all of one kind. Two labels are the same
class when they compare equal (``True == 1``). "The labels" of a pair of
vectors are the sorted distinct values of both together (``numpy.unique``
of their concatenation), so a class that is only predicted is a class too.
Every function raises ``ValueError`` for an empty input, a label vector
that is not 1-D (a scalar, a 2-D array), or two vectors of different
lengths.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

AVERAGES = ("binary", "micro", "macro", "weighted", None)


# ---- helpers --------------------------------------------------------------------------------------


def _as_vector(values, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if not array.size:
        raise ValueError(f"{name} is empty")
    return array


def _check_pair(y_true, y_pred, second: str = "y_pred") -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = _as_vector(y_true, "y_true"), _as_vector(y_pred, second)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} values but {second} has {len(y_pred)}")
    return y_true, y_pred


def _check_labels(labels) -> np.ndarray:
    labels = _as_vector(labels, "labels")
    if len(np.unique(labels)) < len(labels):
        raise ValueError("labels must be distinct")
    return labels


def _index_of(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The position of each value in ``labels``, or -1 where it is not there."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    where = np.minimum(np.searchsorted(sorted_labels, values), len(labels) - 1)
    return np.where(sorted_labels[where] == values, order[where], -1)


def _divide(numerator: np.ndarray, denominator: np.ndarray, zero_division: float) -> np.ndarray:
    """numerator / denominator, with ``zero_division`` where the denominator is 0."""
    out = np.full(np.shape(denominator), zero_division, dtype=np.float64)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def _nan_average(values: np.ndarray, weights: np.ndarray | None) -> float:
    """Mean of the non-NaN values, weighted when ``weights`` sum to more than 0 there."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    values = values[keep]
    if weights is None or weights[keep].sum() == 0:
        return float(values.mean())
    return float(np.average(values, weights=weights[keep]))


# ---- label metrics --------------------------------------------------------------------------------


def accuracy(y_true: Sequence | np.ndarray, y_pred: Sequence | np.ndarray) -> float:
    """The fraction of samples whose predicted label equals the true label.

    ``y_true`` and ``y_pred``: label vectors of the same length (see the
    module docstring: lists, tuples or 1-D arrays of ints, bools or
    strings). Returns a float in [0, 1]. Raises ``ValueError`` if either is
    empty or not 1-D, or if their lengths differ.
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(
    y_true: Sequence | np.ndarray,
    y_pred: Sequence | np.ndarray,
    labels: Sequence | np.ndarray | None = None,
) -> np.ndarray:
    """The confusion matrix: ``C[i, j]`` counts samples of true label ``labels[i]`` predicted ``labels[j]``.

    Rows are the TRUE labels, columns the PREDICTED ones (scikit-learn's
    convention). ``labels``: None (default) for the sorted distinct values
    of ``y_true`` and ``y_pred`` together, or a non-empty sequence of
    distinct labels that fixes the rows' and columns' order; a sample whose
    true or predicted label is not in ``labels`` is left out, and a label
    that never occurs gives a row and a column of zeros.

    Returns an int64 array of shape ``(len(labels), len(labels))``. Raises
    ``ValueError`` for empty or not 1-D inputs, different lengths, and an
    empty or repeated ``labels``.
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else _check_labels(labels)
    k = len(labels)
    rows, cols = _index_of(y_true, labels), _index_of(y_pred, labels)
    keep = np.minimum(rows, cols) >= 0
    counts = np.bincount(rows[keep] * k + cols[keep], minlength=k * k)
    return counts.reshape(k, k).astype(np.int64)


def precision_recall_f1(
    y_true: Sequence | np.ndarray,
    y_pred: Sequence | np.ndarray,
    *,
    average: str | None = "binary",
    labels: Sequence | np.ndarray | None = None,
    pos_label: int | bool | str = 1,
    zero_division: float = 0.0,
) -> tuple[float | np.ndarray, float | np.ndarray, float | np.ndarray]:
    """Precision, recall and F1, as ``sklearn.metrics.precision_recall_fscore_support``.

    For one class ``c``, with ``tp`` the samples of true label ``c``
    predicted ``c``, ``pred`` the samples predicted ``c`` and ``true`` the
    samples of true label ``c``: precision = tp / pred, recall = tp / true,
    F1 = 2 tp / (true + pred) (the harmonic mean of the two, written so that
    it is defined whenever either count is not 0). A ratio whose
    denominator is 0 is ``zero_division`` instead.

    ``labels``: the classes to score, in order; None (default) for the
    sorted distinct values of ``y_true`` and ``y_pred`` together. Otherwise
    a non-empty sequence of distinct labels, which may leave classes out
    or name classes that never occur (their counts are 0).

    ``average``:

    * ``"binary"`` (default): the three scores of the class ``pos_label``
      only, as floats. ``y_true`` and ``y_pred`` together must hold at most
      two distinct labels, and ``pos_label`` must be one of them when they
      hold two; ``labels`` is ignored.
    * ``None``: one score per class of ``labels``: three float64 arrays of
      length ``len(labels)``.
    * ``"micro"``: tp, pred and true summed over the classes of ``labels``
      first, then the three ratios (floats). With every class scored, each
      equals the accuracy.
    * ``"macro"``: the unweighted mean of the per-class scores (floats).
    * ``"weighted"``: the mean of the per-class scores weighted by each
      class's TRUE count (its support), not by its predicted count.

    ``zero_division``: 0 (default), 1 or ``float("nan")``. With NaN,
    ``"macro"`` and ``"weighted"`` leave the NaN scores out of the mean
    (the mean of no score at all is NaN). In ``"weighted"``, when the
    supports of the classes averaged all are 0, the plain mean is taken.

    ``pos_label`` is used by ``"binary"`` only. Returns ``(precision,
    recall, f1)``. Raises ``ValueError`` for empty or not 1-D inputs,
    different lengths, an ``average`` not listed above, a ``zero_division``
    other than 0, 1 or NaN, an empty or repeated ``labels``, and, with
    ``"binary"``, more than two labels or a ``pos_label`` that is not one of
    two labels.
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    if not (zero_division in (0, 1) or np.isnan(zero_division)):
        raise ValueError(f"zero_division must be 0, 1 or nan, got {zero_division!r}")
    if average == "binary":
        present = np.unique(np.concatenate([y_true, y_pred]))
        if len(present) > 2:
            raise ValueError(f"average='binary' needs at most two labels, got {len(present)}")
        if pos_label not in present and len(present) > 1:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {present.tolist()}")
        labels = np.array([pos_label])
    elif labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    else:
        labels = _check_labels(labels)

    true_index, pred_index = _index_of(y_true, labels), _index_of(y_pred, labels)
    k = len(labels)
    hits = true_index[true_index == pred_index]
    tp = np.bincount(hits[hits >= 0], minlength=k)
    true = np.bincount(true_index[true_index >= 0], minlength=k)
    pred = np.bincount(pred_index[pred_index >= 0], minlength=k)
    if average == "micro":
        tp, true, pred = np.array([tp.sum()]), np.array([true.sum()]), np.array([pred.sum()])

    precision = _divide(tp, pred, zero_division)
    recall = _divide(tp, true, zero_division)
    f1 = _divide(2 * tp, true + pred, zero_division)
    if average is None:
        return precision, recall, f1
    weights = true if average == "weighted" else None
    return _nan_average(precision, weights), _nan_average(recall, weights), _nan_average(f1, weights)


# ---- score metrics --------------------------------------------------------------------------------


def _binary_scores(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct score, from the highest down: how many positives and negatives have it."""
    y_true, y_score = _check_pair(y_true, y_score, "y_score")
    if not np.isin(y_true, [0, 1]).all():
        raise ValueError("y_true must hold 0/1 (or False/True) values only")
    y_score = y_score.astype(np.float64)
    _, group, counts = np.unique(y_score, return_inverse=True, return_counts=True)
    positives = np.bincount(group, weights=y_true.astype(np.float64), minlength=len(counts))
    return positives[::-1], (counts - positives)[::-1]


def roc_auc(y_true: Sequence | np.ndarray, y_score: Sequence | np.ndarray) -> float:
    """The area under the ROC curve, as ``sklearn.metrics.roc_auc_score`` for binary labels.

    ``y_true``: 1-D ints or bools, each 0 or 1 (1 / True is the positive
    class). ``y_score``: 1-D real scores of the same length, higher meaning
    more likely positive. The area equals the probability that a random
    positive scores higher than a random negative, a TIE COUNTING ONE HALF:
    the number of (positive, negative) pairs with the positive above, plus
    half the tied pairs, over (number of positives) x (number of negatives).
    So the result does not depend on the order of the samples.

    Returns a float in [0, 1]. Raises ``ValueError`` for empty or not 1-D
    inputs, different lengths, a ``y_true`` value that is not 0 or 1, and a
    ``y_true`` with one class only (the area is undefined).
    """
    positives, negatives = _binary_scores(y_true, y_score)
    n_pos, n_neg = positives.sum(), negatives.sum()
    if not n_pos or not n_neg:
        raise ValueError("ROC-AUC is undefined when y_true holds one class only")
    negatives_above = np.cumsum(negatives) - negatives
    negatives_below = n_neg - negatives_above - negatives
    return float(np.sum(positives * (negatives_below + 0.5 * negatives)) / (n_pos * n_neg))


def average_precision(y_true: Sequence | np.ndarray, y_score: Sequence | np.ndarray) -> float:
    """Average precision, as ``sklearn.metrics.average_precision_score`` for binary labels.

    Same inputs as ``roc_auc``. Sort the distinct scores from the highest
    down and make each a threshold (predict positive when score >=
    threshold; tied samples cross a threshold together). With ``P_t`` and
    ``R_t`` the precision and recall at threshold ``t`` and ``R`` of the
    previous (higher) threshold 0 before the first one::

        AP = sum over thresholds t of (R_t - R_previous) * P_t

    a step sum (no interpolation between thresholds, no trapezoid).

    Returns a float in [0, 1]. Raises ``ValueError`` for empty or not 1-D
    inputs, different lengths, a ``y_true`` value that is not 0 or 1, and a
    ``y_true`` without any positive.
    """
    positives, negatives = _binary_scores(y_true, y_score)
    n_pos = positives.sum()
    if not n_pos:
        raise ValueError("average precision is undefined without a positive sample")
    true_positives = np.cumsum(positives)
    precision = true_positives / (true_positives + np.cumsum(negatives))
    return float(np.sum(positives / n_pos * precision))


# ---- calibration ----------------------------------------------------------------------------------


def expected_calibration_error(
    y_true: Sequence | np.ndarray,
    y_prob: Sequence | np.ndarray,
    n_bins: int = 15,
) -> float:
    """The expected calibration error (ECE) of the top-class confidence, with equal-width bins.

    ``y_true``: 1-D int labels in ``0 .. k-1``. ``y_prob``: an ``(n, k)``
    array-like of class probabilities, ``k >= 2`` (rows are not checked to
    sum to 1). Each sample's confidence is its row's maximum, its
    prediction the FIRST index of that maximum (``numpy.argmax``), and it
    is correct when the prediction equals its label.

    Binning: ``edges = numpy.linspace(0, 1, n_bins + 1)``; a sample of
    confidence ``c`` goes to bin ``b`` with ``edges[b] < c <= edges[b + 1]``
    (bins closed on the RIGHT; ``c = 0`` goes to bin 0). With ``n`` samples,
    and for each non-empty bin ``n_b`` samples, accuracy ``acc_b`` (the
    fraction correct) and mean confidence ``conf_b``::

        ECE = sum over non-empty bins b of (n_b / n) * |acc_b - conf_b|

    Empty bins contribute nothing. Returns a float in [0, 1]. Raises
    ``ValueError`` for an empty input, ``y_prob`` not 2-D or with fewer than
    2 columns, different numbers of samples, a label outside ``0 .. k-1``,
    and ``n_bins < 1``.
    """
    y_true = _as_vector(y_true, "y_true")
    y_prob = np.asarray(y_prob, dtype=np.float64)
    if y_prob.ndim != 2 or y_prob.shape[1] < 2:
        raise ValueError(f"y_prob must have shape (n, k) with k >= 2, got {y_prob.shape}")
    if len(y_true) != len(y_prob):
        raise ValueError(f"y_true has {len(y_true)} values but y_prob has {len(y_prob)} rows")
    if not np.isin(y_true, np.arange(y_prob.shape[1])).all():
        raise ValueError("every label must be a column index of y_prob")
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")

    confidence = y_prob.max(axis=1)
    correct = (y_prob.argmax(axis=1) == y_true).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # edges[b] < c <= edges[b + 1]; c = 0 (searchsorted gives 0) goes to bin 0 too
    bins = np.maximum(np.searchsorted(edges, confidence, side="left") - 1, 0)
    # (n_b / n) |acc_b - conf_b| = |sum over the bin of (correct - confidence)| / n; empty bins add 0
    gap = np.bincount(bins, weights=correct - confidence, minlength=n_bins)
    return float(np.sum(np.abs(gap)) / len(y_true))


# ---- bootstrap ------------------------------------------------------------------------------------


METRICS = {
    "accuracy": accuracy,
    "precision": lambda t, p, **kw: precision_recall_f1(t, p, **kw)[0],
    "recall": lambda t, p, **kw: precision_recall_f1(t, p, **kw)[1],
    "f1": lambda t, p, **kw: precision_recall_f1(t, p, **kw)[2],
    "roc_auc": roc_auc,
    "average_precision": average_precision,
    "ece": expected_calibration_error,
}


def bootstrap_ci(
    metric: str,
    y_true: Sequence | np.ndarray,
    y_score: Sequence | np.ndarray,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    **metric_kwargs,
) -> tuple[float, float, float]:
    """A percentile bootstrap confidence interval for one of this module's metrics.

    ``metric``: ``"accuracy"``, ``"precision"``, ``"recall"``, ``"f1"`` (the
    three parts of ``precision_recall_f1``), ``"roc_auc"``,
    ``"average_precision"`` or ``"ece"`` (``expected_calibration_error``).
    ``y_true`` and ``y_score`` are that function's first two arguments (the
    predicted labels, the scores or the ``(n, k)`` probabilities), and
    ``metric_kwargs`` its keyword arguments (e.g. ``average="macro"``,
    ``n_bins=10``); ``average=None`` is refused (the metric must be one
    number).

    The exact recipe, so that every correct implementation returns the same
    numbers for a seed. With ``n`` samples:

    1. ``estimate`` = the metric on all the data;
    2. ``rng = numpy.random.default_rng(seed)`` and ONE draw
       ``idx = rng.integers(0, n, size=(n_resamples, n))``;
    3. resample ``r`` is the metric on ``y_true[idx[r]]`` and
       ``y_score[idx[r]]`` (the SAME indices for both: pairs stay
       together; rows of a 2-D ``y_score``). A resample on which the metric
       raises ``ValueError`` (e.g. ROC-AUC with one class drawn) is
       dropped;
    4. with ``alpha = 1 - confidence``, ``low`` and ``high`` are
       ``numpy.percentile(values, 100 * alpha / 2)`` and
       ``numpy.percentile(values, 100 * (1 - alpha / 2))`` of the kept
       resample values, with numpy's default (linear) interpolation.

    Returns ``(estimate, low, high)``, floats. Raises ``ValueError`` for an
    unknown metric, ``n_resamples < 1``, ``confidence`` not strictly
    between 0 and 1, ``average=None``, when every resample is dropped, and
    whatever the metric raises on all the data.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {sorted(METRICS)}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    if "average" in metric_kwargs and metric_kwargs["average"] is None:
        raise ValueError("average=None gives one score per class; choose an average")
    score = METRICS[metric]
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    estimate = float(score(y_true, y_score, **metric_kwargs))

    n = len(y_true)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    values = []
    for rows in idx:
        try:
            values.append(score(y_true[rows], y_score[rows], **metric_kwargs))
        except ValueError:
            continue
    if not values:
        raise ValueError("the metric is undefined on every resample")
    alpha = 1.0 - confidence
    low, high = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return estimate, float(low), float(high)
