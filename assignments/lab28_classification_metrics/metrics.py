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


def accuracy(y_true: Sequence | np.ndarray, y_pred: Sequence | np.ndarray) -> float:
    """The fraction of samples whose predicted label equals the true label.

    ``y_true`` and ``y_pred``: label vectors of the same length (see the
    module docstring: lists, tuples or 1-D arrays of ints, bools or
    strings). Returns a float in [0, 1]. Raises ``ValueError`` if either is
    empty or not 1-D, or if their lengths differ.
    """
    raise NotImplementedError("TODO: the fraction of equal labels")


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
    raise NotImplementedError("TODO: count (true, predicted) pairs")


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
    raise NotImplementedError("TODO: per-class tp / pred / true counts, then the ratios and the average")


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
    raise NotImplementedError("TODO: pairs ranked correctly, ties counting one half")


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
    raise NotImplementedError("TODO: the step sum over distinct thresholds")


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
    raise NotImplementedError("TODO: bin the confidences, then the weighted gaps")


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
    raise NotImplementedError("TODO: the documented resampling recipe")
