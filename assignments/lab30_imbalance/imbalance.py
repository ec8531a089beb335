"""Lab 30: imbalanced classes.

Tools for training a classifier when some classes are much rarer than
others, in three families:

1. **Resampling the data**: random over-sampling (duplicate rows of the
   smaller classes) and random under-sampling (drop rows of the larger
   classes), as ``imblearn``'s ``RandomOverSampler`` and
   ``RandomUnderSampler`` do; a weighted sampler that draws balanced
   batches (``torch.utils.data.WeightedRandomSampler``).
2. **Re-weighting the loss**: class weights by inverse frequency
   (scikit-learn's ``"balanced"``) and by the effective number of samples
   (Cui et al., 2019), and the focal loss (Lin et al., 2017).
3. **Evaluating honestly**: a stratified train/test split with the class
   sizes of scikit-learn's ``train_test_split(..., stratify=y)``, and
   over-sampling applied to the training part only.

Conventions
-----------
*Labels* ``y`` are integers, given as a list of ints, a 1-D integer numpy
array or a 1-D integer torch tensor; an empty ``y`` or one that is not 1-D
raises ``ValueError``. *Classes* are the distinct labels in ascending
order (``np.unique(y)``) unless a function says otherwise. *Features* ``X``
are a numpy array or a torch tensor whose first axis has one row per
label (any number of further axes); a length different from ``len(y)``
raises ``ValueError``.

Random draws are reproducible: each function that draws says exactly which
numpy or torch calls it makes, in which order, so that every correct
implementation returns the same result for the same seed.

Neither ``sklearn`` nor ``imblearn`` may be imported in this file (the
grader checks); the tests compare your results with them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.data import WeightedRandomSampler

Labels = Sequence[int] | np.ndarray | torch.Tensor
Features = np.ndarray | torch.Tensor


def balanced_class_weights(y: Labels, classes: Sequence[int] | None = None) -> np.ndarray:
    """Inverse-frequency class weights, scikit-learn's ``"balanced"`` rule.

    The weight of class ``c`` is ``n_samples / (n_classes * n_c)``, where
    ``n_c`` is the number of labels equal to ``c``: a class half as
    frequent weighs twice as much, and ``sum_c n_c * w_c == n_samples`` (the
    weighted data have as much total weight as the unweighted data).
    Perfectly balanced data get weight 1.0 for every class.

    Args:
        y: the labels (see the module docstring for the allowed types).
        classes: the classes, in the order of the returned weights (each
            given once); ``None`` means ``np.unique(y)``. ``n_classes`` is
            ``len(classes)``.

    Returns:
        A float64 numpy array of shape ``(n_classes,)``; entry ``i`` is the
        weight of ``classes[i]``. Equal to
        ``sklearn.utils.class_weight.compute_class_weight("balanced",
        classes=classes, y=y)``.

    Raises:
        ValueError: ``y`` empty or not 1-D; a class of ``classes`` that
            never occurs in ``y``; a label of ``y`` missing from
            ``classes``.
    """
    raise NotImplementedError("TODO: inverse-frequency class weights")


def effective_number_weights(y: Labels, classes: Sequence[int] | None = None, beta: float = 0.999) -> np.ndarray:
    """Class weights from the effective number of samples (Cui et al., 2019).

    A class with ``n_c`` samples has the *effective number*
    ``E_c = (1 - beta**n_c) / (1 - beta)``: the expected volume its samples
    cover when each new sample overlaps the previous ones with probability
    ``beta``. ``E_c`` grows like ``n_c`` for small ``n_c`` and saturates
    at ``1 / (1 - beta)``. The weight is ``1 / E_c``, normalised so that
    the weights sum to ``n_classes``:
    ``w_c = n_classes * (1 / E_c) / sum_k (1 / E_k)``.

    ``beta = 0`` gives every class weight 1.0 (no re-weighting); as ``beta``
    approaches 1 the weights approach inverse frequency (proportional to
    ``1 / n_c``). Compute it in float64 with ``beta ** n_c`` as written; for
    huge ``n_c`` that power underflows to 0.0, which is fine.

    Args:
        y: the labels.
        classes: the classes, in the order of the returned weights;
            ``None`` means ``np.unique(y)``. Same rules as
            ``balanced_class_weights``.
        beta: the overlap probability, ``0 <= beta < 1``.

    Returns:
        A float64 numpy array of shape ``(n_classes,)`` summing to
        ``n_classes``.

    Raises:
        ValueError: ``beta`` outside ``[0, 1)``, and every case of
            ``balanced_class_weights``.
    """
    raise NotImplementedError("TODO: effective-number class weights")


def random_oversample(X: Features, y: Labels, seed: int) -> tuple[Features, np.ndarray, np.ndarray]:
    """Random over-sampling: duplicate rows of every class smaller than the largest.

    Every class is brought up to ``n_max``, the size of the largest class,
    by drawing ``n_max - n_c`` extra rows of class ``c`` at random, with
    replacement; the largest class (every class of that size, if several
    tie) gets no extra row. This is ``imblearn``'s
    ``RandomOverSampler(sampling_strategy="auto")``.

    The draws, exactly: ``rng = np.random.default_rng(seed)``; then for
    each class ``c`` in ascending order with ``n_c < n_max``, with
    ``rows_c = np.flatnonzero(y == c)`` (ascending), one call
    ``rng.choice(rows_c, size=n_max - n_c, replace=True)``.

    Args:
        X: the features, one row per label (numpy array or torch tensor).
        y: the labels.
        seed: the seed of the numpy generator.

    Returns:
        ``(X_res, y_res, indices)``: ``indices`` is an int64 numpy array:
        ``0, 1, ..., n - 1`` (every original row, in order), followed by the
        extra rows drawn for each class, class by class in ascending order,
        in the order drawn. ``X_res = X[indices]`` (X's type and dtype) and
        ``y_res = np.asarray(y)[indices]`` (a numpy array). Already balanced
        data come back unchanged (``indices = arange(n)``, no draw made).

    Raises:
        ValueError: ``y`` empty or not 1-D, or ``len(X) != len(y)``.
    """
    raise NotImplementedError("TODO: random over-sampling")


def random_undersample(
    X: Features, y: Labels, seed: int, replacement: bool = False
) -> tuple[Features, np.ndarray, np.ndarray]:
    """Random under-sampling: keep ``n_min`` rows of every class.

    ``n_min`` is the size of the smallest class. A class with exactly
    ``n_min`` rows keeps all of them, in their original order, with no
    draw. A larger class keeps ``n_min`` of its rows drawn at random,
    without replacement (distinct rows) by default, or with replacement
    (repeats possible) when ``replacement=True``. This is ``imblearn``'s
    ``RandomUnderSampler(sampling_strategy="auto", replacement=...)``.

    The draws, exactly: ``rng = np.random.default_rng(seed)``; then for
    each class ``c`` in ascending order with ``n_c > n_min``, with
    ``rows_c = np.flatnonzero(y == c)`` (ascending), one call
    ``rng.choice(rows_c, size=n_min, replace=replacement)``.

    Args:
        X: the features, one row per label (numpy array or torch tensor).
        y: the labels.
        seed: the seed of the numpy generator.
        replacement: draw with replacement.

    Returns:
        ``(X_res, y_res, indices)``: ``indices`` is an int64 numpy array of
        the rows kept, class by class in ascending order of the class,
        within a class in the order drawn (or the original order for a
        class of ``n_min`` rows). ``X_res = X[indices]`` (X's type and
        dtype) and ``y_res = np.asarray(y)[indices]`` (a numpy array).

    Raises:
        ValueError: ``y`` empty or not 1-D, or ``len(X) != len(y)``.
    """
    raise NotImplementedError("TODO: random under-sampling")


def balanced_sampler(
    y: Labels,
    num_samples: int | None = None,
    *,
    class_weights: Sequence[float] | np.ndarray | torch.Tensor | None = None,
    seed: int | None = None,
) -> WeightedRandomSampler:
    """A ``torch.utils.data.WeightedRandomSampler`` that draws classes in balance.

    The sampler needs one weight **per sample** (not per class): sample
    ``i`` gets ``1 / n_{y_i}`` (the inverse of the size of its class), so
    that every class has the same total weight and is drawn equally often;
    or, when ``class_weights`` is given, ``class_weights[y_i]`` (then the
    labels must be ``0 .. len(class_weights) - 1``).

    Build it exactly as
    ``WeightedRandomSampler(weights, num_samples, replacement=True,
    generator=generator)`` with ``weights`` a float64 tensor of shape
    ``(n,)`` and ``generator = torch.Generator().manual_seed(seed)``, or
    ``generator=None`` (torch's global generator) when ``seed`` is None.
    With a seed, iterating over the sampler twice gives the same indices
    (the generator continues between iterations only when no seed is
    given: torch's rules).

    Args:
        y: the labels.
        num_samples: how many indices one pass draws; ``None`` means
            ``len(y)``.
        class_weights: optional per-class weights (a sequence, numpy array
            or tensor of non-negative floats), indexed by label.
        seed: the seed of a new ``torch.Generator``, or None.

    Returns:
        The sampler (its ``weights`` attribute is the float64 per-sample
        weights).

    Raises:
        ValueError: ``y`` empty or not 1-D; ``num_samples < 1``; a label
            outside ``0 .. len(class_weights) - 1`` when ``class_weights``
            is given.
    """
    raise NotImplementedError("TODO: the balanced WeightedRandomSampler")


def focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    gamma: float = 2.0,
    alpha: Sequence[float] | torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
) -> torch.Tensor:
    """The focal loss of Lin et al. (2017), multi-class, differentiable.

    With ``p_t`` the softmax probability of the target class and
    ``alpha_t = alpha[target]`` (1 when ``alpha`` is None), the loss of one
    example is ``-alpha_t * (1 - p_t)**gamma * log(p_t)``: the
    cross-entropy of the target, scaled down for examples the model
    already gets right. ``gamma = 0`` gives the (alpha-weighted)
    cross-entropy, equal to ``torch.nn.functional.cross_entropy(logits,
    target, weight=alpha, ignore_index=ignore_index, reduction=reduction)``
    for every reduction.

    Compute ``log(p_t)`` with a log-softmax (max subtraction), never as the
    log of a softmax: logits of magnitude 1e4 in float32 must give finite
    losses and finite gradients (``p_t`` rounds to 0 or 1 there; ``0**0``
    is 1).

    Targets equal to ``ignore_index`` contribute nothing: loss 0, no
    gradient, and they count in no denominator.

    Args:
        logits: float32 or float64 tensor ``(N, C)``, ``N >= 1``.
        target: int64 tensor ``(N,)`` of class indices in ``[0, C)`` or
            ``ignore_index``.
        gamma: the focusing parameter, ``>= 0``.
        alpha: optional per-class weights, ``C`` floats (a sequence or a
            tensor, cast to ``logits.dtype``).
        reduction: ``"none"``: the ``(N,)`` per-example losses (0.0 at
            ignored targets); ``"sum"``: their sum; ``"mean"``: their sum
            divided by the sum of ``alpha_t`` over the non-ignored examples
            (their number when ``alpha`` is None), as ``cross_entropy``
            does; NaN when every target is ignored.

    Returns:
        A tensor of ``logits.dtype``: shape ``(N,)`` for ``"none"``, a
        scalar otherwise; differentiable with respect to ``logits``.

    Raises:
        ValueError: ``gamma < 0``; an unknown ``reduction``; ``alpha`` not
            of length ``C``.
    """
    raise NotImplementedError("TODO: the focal loss")


def stratified_split(y: Labels, test_size: float | int = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:  # noqa: PYI041 (an int means a count)
    """Split the rows into train and test with the class proportions of ``y`` in both.

    The sizes are scikit-learn's ``train_test_split(..., stratify=y)``:

    1. ``n_test = math.ceil(test_size * n)`` for a float ``test_size``
       (``0 < test_size < 1``), or ``test_size`` itself for an int
       (``0 < test_size < n``); ``n_train = n - n_test``.
    2. The train rows of each class, by largest remainders: with
       ``counts`` the class sizes (classes ascending, a float64 array),
       ``continuous = counts / n * n_train``, each class gets
       ``floor(continuous)``, then the ``n_train - sum(floor)`` rows still
       missing go one each to the classes with the largest
       ``continuous - floor`` (equal remainders: the smaller class label
       first; scikit-learn breaks such ties at random). The test set gets
       every other row of the class.

    The rows, exactly: ``rng = np.random.default_rng(seed)``; for each
    class ``c`` in ascending order, ``perm = rng.permutation(np.flatnonzero(
    y == c))``; the class's ``k`` train rows are ``perm[:k]`` and its test
    rows ``perm[k:]``.

    Args:
        y: the labels.
        test_size: the fraction (float) or number (int) of test rows.
        seed: the seed of the numpy generator.

    Returns:
        ``(train_idx, test_idx)``: int64 numpy arrays, each sorted
        ascending, disjoint, together ``0 .. n - 1``.

    Raises:
        ValueError: ``y`` empty or not 1-D; ``test_size`` out of range; a
            class with fewer than 2 rows (it could not be in both sets); a
            train or test set smaller than the number of classes.
    """
    raise NotImplementedError("TODO: the stratified split")


def split_then_oversample(
    X: Features, y: Labels, test_size: float | int = 0.25, seed: int = 0  # noqa: PYI041
) -> tuple[Features, np.ndarray, Features, np.ndarray]:
    """Split first, then over-sample the training part only (never the test part).

    Over-sampling before the split would put copies of the same row on both
    sides, and the test score would reward memorising them. So:
    ``train_idx, test_idx = stratified_split(y, test_size, seed)``, then
    ``random_oversample(X[train_idx], y[train_idx], seed)``.

    Args:
        X: the features (numpy array or torch tensor), one row per label.
        y: the labels.
        test_size: as in ``stratified_split``.
        seed: the seed of both steps.

    Returns:
        ``(X_train, y_train, X_test, y_test)``: the over-sampled training
        rows and labels, and the test rows ``X[test_idx]`` and labels
        ``y[test_idx]`` untouched. ``X_train``/``X_test`` have X's type;
        the labels are numpy arrays.

    Raises:
        ValueError: as ``stratified_split`` and ``random_oversample``.
    """
    raise NotImplementedError("TODO: split, then over-sample the training part")
