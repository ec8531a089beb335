"""Hidden tests for lab 30 (imbalanced classes).

Oracles:

* class weights: ``sklearn.utils.class_weight.compute_class_weight`` and the
  effective-number formula of Cui et al. written out here;
* resampling: ``imblearn``'s ``RandomOverSampler`` / ``RandomUnderSampler``
  (class counts, every output row an input row of the same class) and the
  documented ``numpy.random.default_rng`` draws for the exact indices;
* the sampler: ``torch.utils.data.WeightedRandomSampler`` built here with the
  documented weights and generator, plus statistics over many draws;
* the focal loss: ``torch.nn.functional.cross_entropy`` at ``gamma = 0`` and
  the formula written here in float64 (log-softmax), values and gradients;
* the split: ``sklearn.model_selection.train_test_split(stratify=...)`` for
  the sizes per class (on inputs where scikit-learn has no random tie), the
  documented draws for the rows.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight
from torch.utils.data import WeightedRandomSampler

from autograder.testing import assert_close, assert_equal, check

torch.set_num_threads(1)


def labels(counts, values=None):
    """Labels with ``counts[i]`` copies of ``values[i]`` (default ``i``), shuffled by a fixed permutation."""
    values = range(len(counts)) if values is None else values
    y = np.concatenate([np.full(n, v, dtype=np.int64) for v, n in zip(values, counts)])
    return y[np.random.default_rng(1234).permutation(len(y))]


def as_type(y, kind):
    if kind == "list":
        return [int(v) for v in y]
    if kind == "tensor":
        return torch.as_tensor(y)
    if kind == "int32":
        return np.asarray(y, dtype=np.int32)
    return np.asarray(y)


def oversample_indices(y, seed):
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    parts = [np.arange(len(y))]
    for c, n in zip(classes, counts):
        if n < counts.max():
            parts.append(rng.choice(np.flatnonzero(y == c), size=counts.max() - n, replace=True))
    return np.concatenate(parts)


def undersample_indices(y, seed, replacement=False):
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    parts = []
    for c, n in zip(classes, counts):
        rows = np.flatnonzero(y == c)
        parts.append(rng.choice(rows, size=counts.min(), replace=replacement) if n > counts.min() else rows)
    return np.concatenate(parts)


def per_class(y, classes):
    y = np.asarray(y)
    return [int(np.count_nonzero(y == c)) for c in classes]


# ---- 1. class weights --------------------------------------------------------------------------------------

WEIGHT_CASES = {
    "numpy_three_classes": (labels([50, 7, 13]), None, "numpy"),
    "list_with_gaps_and_negative_labels": (labels([4, 40, 1, 9], values=[-1, 3, 7, 20]), None, "list"),
    "tensor_one_member_class": (labels([1, 30, 2]), None, "tensor"),
    "classes_given_out_of_order": (labels([6, 18, 3]), [2, 0, 1], "int32"),
}


@pytest.mark.parametrize("case", list(WEIGHT_CASES))
@pytest.mark.points(2)
def test_balanced_weights_match_sklearn(lab, case):
    """balanced_class_weights equals sklearn's compute_class_weight("balanced") (lists, arrays, tensors, classes=)."""
    y, classes, kind = WEIGHT_CASES[case]
    expected = compute_class_weight("balanced", classes=np.unique(y) if classes is None else np.array(classes), y=y)
    got = lab.balanced_class_weights(as_type(y, kind), classes)
    check(isinstance(got, np.ndarray) and got.dtype == np.float64, "the weights should be a float64 numpy array")
    assert_close(got, expected, atol=0, rtol=1e-12, what="the balanced class weights")


@pytest.mark.points(2)
def test_balanced_weights_edge_cases(lab):
    """balanced_class_weights: balanced data give 1.0, a single class gives [1.0], weighted counts sum to n."""
    assert_close(lab.balanced_class_weights([2, 0, 1, 1, 0, 2]), np.ones(3), atol=0, rtol=1e-12, what="balanced data")
    assert_close(lab.balanced_class_weights(np.array([5, 5, 5])), np.ones(1), atol=0, rtol=1e-12, what="a single class")
    y = labels([1, 99])
    w = lab.balanced_class_weights(y)
    assert_close(float(w @ np.bincount(y)), 100.0, atol=0, rtol=1e-12, what="sum of n_c * w_c")
    assert_close(w, [50.0, 100 / 198], atol=0, rtol=1e-12, what="weights with a class of one sample")


@pytest.mark.points(2)
def test_balanced_weights_errors(lab):
    """balanced_class_weights raises ValueError for a class not in y, a label not in classes, empty or 2-D y."""
    y = [0, 1, 1, 2]
    assert_close(lab.balanced_class_weights(y, [0, 1, 2]), [4 / 3, 2 / 3, 4 / 3], atol=0, rtol=1e-12, what="valid call")
    with pytest.raises(ValueError):
        lab.balanced_class_weights(y, [0, 1, 2, 3])
    with pytest.raises(ValueError):
        lab.balanced_class_weights(y, [0, 1])
    with pytest.raises(ValueError):
        lab.balanced_class_weights([])
    with pytest.raises(ValueError):
        lab.balanced_class_weights(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError):
        lab.balanced_class_weights(np.int64(3))


def effective_expected(counts, beta):
    counts = np.asarray(counts, dtype=np.float64)
    w = (1 - beta) / (1 - np.power(beta, counts))
    return w * len(counts) / w.sum()


EFFECTIVE_CASES = {
    "beta_0.5": (labels([1, 2, 3, 8]), 0.5, None),
    "beta_0.9_classes_given": (labels([20, 5, 1], values=[4, 6, 9]), 0.9, [9, 4, 6]),
    "beta_0.999_large_counts": (labels([5000, 200, 30]), 0.999, None),
}


@pytest.mark.parametrize("case", list(EFFECTIVE_CASES))
@pytest.mark.points(2)
def test_effective_number_formula(lab, case):
    """effective_number_weights: 1 / ((1 - beta**n_c) / (1 - beta)), normalised to sum to n_classes."""
    y, beta, classes = EFFECTIVE_CASES[case]
    order = np.unique(y) if classes is None else np.array(classes)
    expected = effective_expected(per_class(y, order), beta)
    got = lab.effective_number_weights(as_type(y, "tensor" if classes else "list"), classes, beta)
    check(isinstance(got, np.ndarray) and got.dtype == np.float64, "the weights should be a float64 numpy array")
    assert_close(got, expected, atol=0, rtol=1e-9, what=f"effective-number weights ({case})")


@pytest.mark.points(3)
def test_effective_number_edge_values(lab):
    """effective_number_weights: beta=0 gives ones, the default beta is 0.999, beta near 1 tends to inverse frequency."""
    y = labels([40, 4, 1])
    assert_close(lab.effective_number_weights(y, beta=0.0), np.ones(3), atol=0, rtol=1e-12, what="beta=0")
    assert_close(lab.effective_number_weights(y), effective_expected([40, 4, 1], 0.999), atol=0, rtol=1e-9,
                 what="the default beta (0.999)")
    assert_close(lab.effective_number_weights(labels([3, 3, 3]), beta=0.99), np.ones(3), atol=0, rtol=1e-12,
                 what="balanced data")
    inv = 1 / np.array([40.0, 4.0, 1.0])
    assert_close(lab.effective_number_weights(y, beta=1 - 1e-9), 3 * inv / inv.sum(), atol=0, rtol=1e-6,
                 what="beta close to 1 (inverse frequency)")
    big = labels([200000, 3])
    assert_close(lab.effective_number_weights(big, beta=0.99), effective_expected([200000, 3], 0.99), atol=0,
                 rtol=1e-9, what="a class so large that beta**n underflows")


@pytest.mark.points(2)
def test_effective_number_errors(lab):
    """effective_number_weights raises ValueError for beta outside [0, 1) and for bad classes."""
    assert_close(lab.effective_number_weights([0, 1, 1], beta=0.5), effective_expected([1, 2], 0.5), atol=0,
                 rtol=1e-9, what="valid call")
    for beta in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError):
            lab.effective_number_weights([0, 1, 1], beta=beta)
    with pytest.raises(ValueError):
        lab.effective_number_weights([0, 1, 1], [0, 1, 2], 0.5)
    with pytest.raises(ValueError):
        lab.effective_number_weights([0, 1, 1], [1], 0.5)
    with pytest.raises(ValueError):
        lab.effective_number_weights([], beta=0.5)


# ---- 2. over- and under-sampling ---------------------------------------------------------------------------

RESAMPLE_CASES = {
    "three_classes": labels([30, 4, 11]),
    "tied_majority": labels([12, 12, 5, 1]),
    "labels_with_gaps": labels([3, 17, 8], values=[-2, 5, 40]),
    "two_classes_one_member": labels([1, 25]),
}


def check_rows(X_res, y_res, X, y, what):
    """Every output row is an input row (X[i] = i * 10 + label) with its own label."""
    X_res, y_res = np.asarray(X_res), np.asarray(y_res)
    rows = X_res[:, 0]
    check(np.all(np.isin(rows, X[:, 0])), f"{what}: an output row is not one of the input rows")
    check(np.array_equal(X_res[:, 1], y_res), f"{what}: a row of X_res does not go with its label in y_res")


def features(y):
    return np.stack([np.arange(len(y)) * 10, y], axis=1).astype(np.int64)


@pytest.mark.parametrize("case", list(RESAMPLE_CASES))
@pytest.mark.points(1)
def test_oversample_matches_imblearn(lab, case):
    """random_oversample: class counts as imblearn's RandomOverSampler; the original rows first; only input rows."""
    y = RESAMPLE_CASES[case]
    X = features(y)
    X_res, y_res, idx = lab.random_oversample(X, y, 3)
    _, yi = RandomOverSampler(random_state=0).fit_resample(X, y)
    classes = np.unique(y)
    check(per_class(y_res, classes) == per_class(yi, classes) and len(y_res) == len(yi),
          "the class counts after over-sampling differ from imblearn's RandomOverSampler")
    check_rows(X_res, y_res, X, y, "over-sampling")
    check(np.array_equal(np.asarray(idx)[: len(y)], np.arange(len(y))), "the indices should start with 0 .. n-1")
    check(np.array_equal(np.asarray(X_res), X[np.asarray(idx)]) and np.array_equal(y_res, y[np.asarray(idx)]),
          "X_res and y_res should be X[indices] and y[indices]")
    extra = np.asarray(y_res)[len(y):]
    check(not np.isin(extra, classes[np.bincount(np.searchsorted(classes, y)) == np.bincount(np.searchsorted(classes, y)).max()]).any(),
          "the largest class (every class of that size) should get no extra rows")


@pytest.mark.points(4)
def test_oversample_documented_draws(lab):
    """random_oversample returns exactly the indices of the documented default_rng draws, for several seeds."""
    for name, y in RESAMPLE_CASES.items():
        for seed in (0, 7):
            _, _, idx = lab.random_oversample(features(y), y, seed)
            check(isinstance(idx, np.ndarray) and idx.dtype == np.int64, "indices should be an int64 numpy array")
            assert_equal(idx, oversample_indices(y, seed), what=f"the over-sampling indices ({name}, seed {seed})")


@pytest.mark.points(3)
def test_oversample_input_types(lab):
    """random_oversample keeps X's type and dtype (numpy 3-D float32, torch tensor); y as list, array or tensor."""
    y = labels([9, 2, 5])
    expected = oversample_indices(y, 11)
    X = np.random.default_rng(0).standard_normal((len(y), 2, 3)).astype(np.float32)
    X_res, y_res, idx = lab.random_oversample(X, [int(v) for v in y], 11)
    check(isinstance(X_res, np.ndarray) and X_res.dtype == np.float32, "a numpy X should give a numpy X_res of its dtype")
    assert_equal(X_res, X[expected], what="X_res for a 3-D float32 X and a list y")
    check(isinstance(y_res, np.ndarray), "y_res should be a numpy array")
    assert_equal(y_res, y[expected], what="y_res for a list y")
    Xt = torch.arange(len(y) * 4, dtype=torch.float64).reshape(len(y), 4)
    X_res, y_res, idx = lab.random_oversample(Xt, torch.as_tensor(y), 11)
    check(isinstance(X_res, torch.Tensor) and X_res.dtype == torch.float64, "a tensor X should give a tensor X_res of its dtype")
    assert_equal(X_res, Xt[torch.as_tensor(expected)], what="X_res for a tensor X")
    check(isinstance(y_res, np.ndarray) and y_res.dtype == np.int64, "y_res should be a numpy array of y's dtype")
    assert_equal(y_res, y[expected], what="y_res for a tensor y")
    y32 = y.astype(np.int32)
    _, y_res, idx = lab.random_oversample(np.arange(len(y)), y32, 11)
    check(y_res.dtype == np.int32, "y_res should keep the dtype of np.asarray(y) (int32 here)")
    assert_equal(idx, expected, what="indices for a 1-D X")


@pytest.mark.points(2)
def test_oversample_balanced_and_errors(lab):
    """random_oversample leaves balanced data unchanged; ValueError for len(X) != len(y) and empty y."""
    y = labels([4, 4, 4])
    X = features(y)
    X_res, _, idx = lab.random_oversample(X, y, 0)
    assert_equal(idx, np.arange(12), what="indices for balanced data")
    assert_equal(X_res, X, what="X_res for balanced data")
    with pytest.raises(ValueError):
        lab.random_oversample(X[:-1], y, 0)
    with pytest.raises(ValueError):
        lab.random_oversample(np.concatenate([X, X[:1]]), y, 0)
    with pytest.raises(ValueError):
        lab.random_oversample(np.zeros((0, 2)), [], 0)


@pytest.mark.points(2)
def test_oversample_randomness(lab):
    """random_oversample draws each extra row uniformly from its class, independently; seeds differ."""
    y = np.array([0] * 5 + [1] * 20005)
    _, _, idx = lab.random_oversample(np.arange(len(y)), y, 5)
    extra = np.asarray(idx)[len(y):]
    counts = np.bincount(extra, minlength=5)[:5]
    check(extra.size == 20000 and counts.sum() == 20000, "class 0 should get 20000 extra rows, all of class 0")
    check(np.all(np.abs(counts - 4000) < 250), "the extra rows are not spread uniformly over the class's rows")
    _, _, other = lab.random_oversample(np.arange(len(y)), y, 6)
    check(not np.array_equal(other, idx), "two seeds should give different draws")


@pytest.mark.parametrize("case", list(RESAMPLE_CASES))
@pytest.mark.points(1)
def test_undersample_matches_imblearn(lab, case):
    """random_undersample: class counts as imblearn's RandomUnderSampler; distinct input rows of each class."""
    y = RESAMPLE_CASES[case]
    X = features(y)
    X_res, y_res, idx = lab.random_undersample(X, y, 3)
    _, yi = RandomUnderSampler(random_state=0).fit_resample(X, y)
    classes = np.unique(y)
    check(per_class(y_res, classes) == per_class(yi, classes) and len(y_res) == len(yi),
          "the class counts after under-sampling differ from imblearn's RandomUnderSampler")
    check_rows(X_res, y_res, X, y, "under-sampling")
    idx = np.asarray(idx)
    check(len(np.unique(idx)) == len(idx), "without replacement no row may be kept twice")
    check(np.all(np.diff(np.asarray(y_res)) >= 0), "the kept rows should come class by class in ascending order")
    check(np.array_equal(np.asarray(X_res), X[idx]), "X_res should be X[indices]")


@pytest.mark.points(4)
def test_undersample_documented_draws(lab):
    """random_undersample returns exactly the indices of the documented default_rng draws (with and without replacement)."""
    for name, y in RESAMPLE_CASES.items():
        for seed, replacement in ((0, False), (9, True), (4, False)):
            _, _, idx = lab.random_undersample(features(y), y, seed, replacement)
            check(isinstance(idx, np.ndarray) and idx.dtype == np.int64, "indices should be an int64 numpy array")
            assert_equal(idx, undersample_indices(y, seed, replacement),
                         what=f"the under-sampling indices ({name}, seed {seed}, replacement={replacement})")
    y = labels([4, 4, 4])
    _, _, idx = lab.random_undersample(features(y), y, 1, True)
    assert_equal(idx, undersample_indices(y, 1), what="balanced data keep every row, class by class, no draw")


@pytest.mark.points(2)
def test_undersample_replacement(lab):
    """random_undersample(replacement=True) may repeat rows (counts as imblearn's); the default never does."""
    y = np.array([0] * 200 + [1] * 400)
    X = features(y)
    _, y_res, idx = lab.random_undersample(X, y, 2, replacement=True)
    _, yi = RandomUnderSampler(random_state=0, replacement=True).fit_resample(X, y)
    check(per_class(y_res, [0, 1]) == per_class(yi, [0, 1]), "class counts with replacement differ from imblearn's")
    idx = np.asarray(idx)
    check(len(np.unique(idx[200:])) < 200, "with replacement=True, 200 draws from 400 rows should repeat some rows")
    check(np.array_equal(idx[:200], np.arange(200)), "the smallest class keeps its rows in order")
    _, _, idx = lab.random_undersample(X, y, 2)
    check(len(np.unique(idx)) == 400, "the default (replacement=False) draws distinct rows")


@pytest.mark.points(2)
def test_undersample_input_types_and_errors(lab):
    """random_undersample keeps X's type and dtype; y as list or tensor; ValueError for mismatched lengths."""
    y = labels([9, 2, 5])
    expected = undersample_indices(y, 8)
    Xt = torch.randn(len(y), 3, generator=torch.Generator().manual_seed(0))
    X_res, y_res, _ = lab.random_undersample(Xt, [int(v) for v in y], 8)
    check(isinstance(X_res, torch.Tensor) and X_res.dtype == torch.float32, "a tensor X should give a tensor X_res of its dtype")
    assert_equal(X_res, Xt[torch.as_tensor(expected)], what="X_res for a tensor X")
    check(isinstance(y_res, np.ndarray), "y_res should be a numpy array")
    assert_equal(y_res, y[expected], what="y_res")
    X = np.arange(len(y), dtype=np.float32)
    X_res, _, _ = lab.random_undersample(X, torch.as_tensor(y), 8)
    check(isinstance(X_res, np.ndarray) and X_res.dtype == np.float32, "a numpy X should give a numpy X_res of its dtype")
    assert_equal(X_res, X[expected], what="X_res for a 1-D numpy X and a tensor y")
    with pytest.raises(ValueError):
        lab.random_undersample(X[:-2], y, 0)
    with pytest.raises(ValueError):
        lab.random_undersample(np.zeros((0, 1)), np.zeros(0, dtype=np.int64), 0)


# ---- 3. the weighted sampler -------------------------------------------------------------------------------


def inverse_count_weights(y):
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    return torch.from_numpy(1.0 / counts[inverse])


@pytest.mark.points(5)
def test_sampler_matches_torch(lab):
    """balanced_sampler: per-sample weights 1/n_{y_i} (or class_weights[y_i]), torch's sampler with the seeded generator."""
    y = labels([30, 6, 1, 13], values=[2, 5, 6, 9])
    sampler = lab.balanced_sampler(as_type(y, "list"), seed=4)
    expected_w = inverse_count_weights(y)
    assert_close(sampler.weights, expected_w, atol=0, rtol=1e-12, what="the sampler's per-sample weights")
    check(sampler.num_samples == len(y) and sampler.replacement is True, "num_samples defaults to len(y), with replacement")
    oracle = WeightedRandomSampler(expected_w, len(y), replacement=True, generator=torch.Generator().manual_seed(4))
    assert_equal(list(sampler), list(oracle), what="the indices drawn with seed 4")
    sampler = lab.balanced_sampler(torch.as_tensor(y), 500, seed=2)
    oracle = WeightedRandomSampler(expected_w, 500, replacement=True, generator=torch.Generator().manual_seed(2))
    assert_equal(list(sampler), list(oracle), what="the indices drawn with num_samples=500, seed 2")
    check(len(sampler) == 500, "len(sampler) should be num_samples")
    y2 = labels([10, 3, 7])
    for kind, cw in (("list", [0.5, 2.0, 1.0]), ("numpy", np.array([1.0, 0.0, 3.0])), ("tensor", torch.tensor([0.2, 0.3, 0.5]))):
        sampler = lab.balanced_sampler(y2, 64, class_weights=cw, seed=1)
        w = torch.as_tensor(np.asarray(cw, dtype=np.float64)[y2])
        assert_close(sampler.weights, w, atol=0, rtol=1e-7, what=f"per-sample weights from class_weights ({kind})")
        oracle = WeightedRandomSampler(w, 64, replacement=True, generator=torch.Generator().manual_seed(1))
        assert_equal(list(sampler), list(oracle), what=f"the indices drawn with class_weights ({kind})")


@pytest.mark.points(3)
def test_sampler_draws_classes_in_balance(lab):
    """balanced_sampler: over many draws each class is drawn equally often, each sample of a class equally often."""
    y = labels([900, 90, 10])
    drawn = np.array(list(lab.balanced_sampler(y, 60000, seed=0)))
    freq = np.bincount(y[drawn], minlength=3) / 60000
    check(np.all(np.abs(freq - 1 / 3) < 0.015), "the classes are not drawn equally often")
    rows = np.flatnonzero(y == 2)
    per_row = np.bincount(drawn, minlength=len(y))[rows]
    check(np.all(np.abs(per_row - 2000) < 300), "the samples of a class are not drawn equally often")
    again = np.array(list(lab.balanced_sampler(y, 60000, seed=0)))
    check(np.array_equal(again, drawn), "the same seed should give the same draws")


@pytest.mark.points(2)
def test_sampler_without_seed_and_errors(lab):
    """balanced_sampler(seed=None) uses torch's global generator; ValueError for num_samples < 1 or bad labels."""
    y = labels([20, 4])
    lab.manual_seed(5)
    sampler = lab.balanced_sampler(y, 50)
    first, second = list(sampler), list(sampler)
    torch.manual_seed(5)
    oracle = WeightedRandomSampler(inverse_count_weights(y), 50, replacement=True)
    assert_equal(first, list(oracle), what="draws with seed=None after torch.manual_seed(5)")
    assert_equal(second, list(oracle), what="a second pass continues the global generator")
    check(len(lab.balanced_sampler([0, 1], 1, seed=0)) == 1, "num_samples=1 is valid")
    sampler = lab.balanced_sampler([1, 2, 2], 7, class_weights=[0.0, 1.0, 1.0], seed=0)
    check(len(list(sampler)) == 7, "labels 1 and 2 with three class weights are valid")
    with pytest.raises(TypeError):
        lab.balanced_sampler(y, 10, [1.0, 1.0])  # class_weights is keyword-only
    with pytest.raises(ValueError):
        lab.balanced_sampler([0, 1, 5], class_weights=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError):
        lab.balanced_sampler(y, 0)
    with pytest.raises(ValueError):
        lab.balanced_sampler([0, 1, 3], class_weights=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError):
        lab.balanced_sampler([0, -1, 1], class_weights=[1.0, 1.0, 1.0])


# ---- 4. the focal loss -------------------------------------------------------------------------------------


def focal_expected(logits, target, gamma, alpha=None, reduction="mean", ignore_index=-100):
    """The focal loss in float64, straight from the formula."""
    logits = logits.double()
    valid = target != ignore_index
    t = torch.where(valid, target, 0)
    log_pt = torch.log_softmax(logits, dim=1)[torch.arange(len(t)), t]
    a = torch.ones_like(log_pt) if alpha is None else torch.as_tensor(alpha, dtype=torch.float64)[t]
    loss = torch.where(valid, -a * (1 - log_pt.exp()) ** gamma * log_pt, 0.0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / torch.where(valid, a, 0.0).sum()


def make_batch(n, c, scale=3.0, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    logits = (torch.randn(n, c, generator=g, dtype=torch.float64) * scale).to(dtype)
    target = torch.randint(0, c, (n,), generator=g)
    return logits, target


CE_CASES = {
    "mean_no_alpha_float32": ("mean", None, torch.float32, -100),
    "sum_alpha_list_float64": ("sum", [0.25, 1.0, 2.0, 0.5, 3.0], torch.float64, -100),
    "none_alpha_tensor_ignore_2": ("none", torch.tensor([1.0, 0.5, 2.0, 4.0, 0.1]), torch.float64, 2),
    "mean_alpha_ignore_minus_100": ("mean", [0.25, 1.0, 2.0, 0.5, 3.0], torch.float32, -100),
}


@pytest.mark.parametrize("case", list(CE_CASES))
@pytest.mark.points(2)
def test_focal_gamma_zero_is_cross_entropy(lab, case):
    """focal_loss(gamma=0) equals F.cross_entropy(weight=alpha, ignore_index, reduction) for every reduction."""
    reduction, alpha, dtype, ignore = CE_CASES[case]
    logits, target = make_batch(12, 5, dtype=dtype, seed=1)
    target[[1, 5]] = ignore
    got = lab.focal_loss(logits, target, gamma=0.0, alpha=alpha, reduction=reduction, ignore_index=ignore)
    weight = None if alpha is None else torch.as_tensor(alpha, dtype=dtype)
    expected = F.cross_entropy(logits, target, weight=weight, ignore_index=ignore, reduction=reduction)
    assert_close(got, expected, atol=1e-6, rtol=1e-5, what=f"focal loss at gamma=0 ({case})")


FORMULA_CASES = {
    "gamma_2_mean": (2.0, None, "mean"),
    "gamma_0.5_alpha_sum": (0.5, [0.1, 0.4, 0.2, 0.3], "sum"),
    "gamma_1_alpha_none": (1.0, [2.0, 1.0, 0.5, 1.5], "none"),
    "gamma_5_alpha_mean": (5.0, [0.75, 0.25, 1.0, 2.0], "mean"),
}


@pytest.mark.parametrize("case", list(FORMULA_CASES))
@pytest.mark.points(1)
def test_focal_formula(lab, case):
    """focal_loss equals -alpha_t (1 - p_t)**gamma log p_t, reduced as documented (mean divides by sum of alpha_t)."""
    gamma, alpha, reduction = FORMULA_CASES[case]
    logits, target = make_batch(16, 4, seed=2, dtype=torch.float64)
    target[3] = -100
    got = lab.focal_loss(logits, target, gamma=gamma, alpha=alpha, reduction="".join(reduction))  # a new str object
    assert_close(got, focal_expected(logits, target, gamma, alpha, reduction), atol=1e-10, rtol=1e-9,
                 what=f"focal loss ({case})")


@pytest.mark.points(1)
def test_focal_default_gamma(lab):
    """focal_loss: the default gamma is 2 and the default reduction is the mean; float32 in, float32 out."""
    logits, target = make_batch(10, 3, seed=3)
    got = lab.focal_loss(logits, target)
    check(got.dtype == torch.float32 and got.shape == (), "a float32 batch should give a float32 scalar")
    assert_close(got.double(), focal_expected(logits, target, 2.0), atol=1e-6, rtol=1e-5, what="the default focal loss")


@pytest.mark.points(4)
def test_focal_large_logits(lab):
    """focal_loss with float32 logits of magnitude 1e4: finite values and gradients equal to the formula's."""
    logits, target = make_batch(8, 6, scale=1e4, seed=4)
    target[0] = int(logits[0].argmax())  # p_t rounds to 1: (1 - p_t)**gamma is 0
    alpha = [0.5, 1.0, 1.5, 2.0, 0.25, 1.0]
    for gamma, reduction in ((2.0, "sum"), (0.0, "mean"), (1.0, "none")):
        got = lab.focal_loss(logits, target, gamma=gamma, alpha=alpha, reduction=reduction)
        check(bool(torch.isfinite(got).all()), f"the loss should be finite for logits of 1e4 (gamma={gamma})")
        assert_close(got.double(), focal_expected(logits, target, gamma, alpha, reduction), atol=1e-3, rtol=1e-5,
                     what=f"the loss for logits of 1e4 (gamma={gamma}, {reduction})")
    res = lab.vjp(lab.focal_loss, logits, target, grad_output=torch.tensor(1.0), gamma=2.0, alpha=alpha,
                  reduction="sum")
    x = logits.double().requires_grad_()
    focal_expected(x, target, 2.0, alpha, "sum").backward()
    check(bool(torch.isfinite(res.grads[0]).all()), "the gradient should be finite for logits of 1e4")
    assert_close(res.grads[0].double(), x.grad, atol=1e-5, rtol=1e-4, what="the gradient for logits of 1e4")


@pytest.mark.parametrize("gamma", [0.0, 2.0, 3.5])
@pytest.mark.points(1)
def test_focal_gradient(lab, gamma):
    """The gradient of focal_loss (mean, with alpha and an ignored target) equals the formula's."""
    logits, target = make_batch(10, 4, seed=5, dtype=torch.float64)
    target[7] = -100
    alpha = torch.tensor([0.3, 1.2, 0.7, 2.0], dtype=torch.float64)
    res = lab.vjp(lab.focal_loss, logits, target, grad_output=torch.tensor(1.0, dtype=torch.float64), gamma=gamma,
                  alpha=alpha, reduction="mean")
    x = logits.clone().requires_grad_()
    expected = focal_expected(x, target, gamma, alpha, "mean")
    expected.backward()
    assert_close(res.output, expected.detach(), atol=1e-10, rtol=1e-9, what="the loss")
    assert_close(res.grads[0], x.grad, atol=1e-10, rtol=1e-8, what=f"the gradient (gamma={gamma})")


@pytest.mark.points(3)
def test_focal_ignore_index(lab):
    """focal_loss: ignored targets give 0 and no gradient; every target ignored gives NaN (mean) and 0 (sum)."""
    logits, target = make_batch(9, 4, seed=6, dtype=torch.float64)
    target[[0, 4]] = 1
    alpha = [1.0, 5.0, 0.5, 2.0]
    got = lab.focal_loss(logits, target, gamma=2.0, alpha=alpha, reduction="none", ignore_index=1)
    assert_close(got, focal_expected(logits, target, 2.0, alpha, "none", 1), atol=1e-10, rtol=1e-9,
                 what="per-example losses with ignore_index=1")
    check(bool((got[target == 1] == 0).all()), "ignored targets should have loss 0")
    res = lab.vjp(lab.focal_loss, logits, target, grad_output=torch.ones(9, dtype=torch.float64), gamma=2.0,
                  alpha=alpha, reduction="none", ignore_index=1)
    check(bool((res.grads[0][target == 1] == 0).all()), "ignored targets should get no gradient")
    got = lab.focal_loss(logits, target, gamma=2.0, alpha=alpha, ignore_index=1)
    assert_close(got, focal_expected(logits, target, 2.0, alpha, "mean", 1), atol=1e-10, rtol=1e-9,
                 what="the mean over non-ignored targets (divided by their alpha_t)")
    none_left = torch.full((9,), -100)
    got = lab.focal_loss(logits, none_left)
    check(got.shape == () and bool(torch.isnan(got)), "the mean over no target at all should be NaN")
    got = lab.focal_loss(logits, none_left, reduction="sum")
    check(float(got) == 0.0, "the sum over no target at all should be 0")


@pytest.mark.points(1)
def test_focal_errors(lab):
    """focal_loss raises ValueError for gamma < 0, an unknown reduction, alpha of the wrong length."""
    logits, target = make_batch(4, 3, seed=7)
    check(bool(torch.isfinite(lab.focal_loss(logits, target, gamma=0.0, alpha=[1.0, 1.0, 1.0]))), "valid call")
    with pytest.raises(ValueError):
        lab.focal_loss(logits, target, gamma=-0.5)
    with pytest.raises(ValueError):
        lab.focal_loss(logits, target, reduction="max")
    with pytest.raises(ValueError):
        lab.focal_loss(logits, target, alpha=[1.0, 1.0])
    with pytest.raises(ValueError):
        lab.focal_loss(logits, target, alpha=[1.0, 1.0, 1.0, 1.0])
    with pytest.raises(TypeError):
        lab.focal_loss(logits, target, 2.0)  # gamma is keyword-only


# ---- 5. the stratified split -------------------------------------------------------------------------------

SPLIT_CASES = {
    "quarter_three_classes": (labels([50, 7, 13]), 0.25, "numpy"),
    "test_size_0.3_gaps": (labels([8, 23, 4, 2], values=[1, 4, 10, 11]), 0.3, "list"),
    "int_test_size_tensor": (labels([40, 12, 5]), 11, "tensor"),
    "two_member_classes": (labels([2, 2, 9]), 0.5, "numpy"),
    "small_test_fraction": (labels([61, 30, 3]), 0.1, "int32"),
}


@pytest.mark.parametrize("case", list(SPLIT_CASES))
@pytest.mark.points(1)
def test_stratified_split_sizes_match_sklearn(lab, case):
    """stratified_split: per-class train and test sizes equal train_test_split(stratify=y)'s; disjoint, complete."""
    y, test_size, kind = SPLIT_CASES[case]
    classes = np.unique(y)
    sizes = set()
    for state in range(4):
        tr, te = train_test_split(np.arange(len(y)), test_size=test_size, stratify=y, random_state=state)
        sizes.add((tuple(per_class(y[tr], classes)), tuple(per_class(y[te], classes))))
    assert len(sizes) == 1, "test case with a random tie in scikit-learn"
    (train_sizes, test_sizes), = sizes
    train, test = lab.stratified_split(as_type(y, kind), test_size, 3)
    check(isinstance(train, np.ndarray) and train.dtype == np.int64 and test.dtype == np.int64,
          "the indices should be int64 numpy arrays")
    check(tuple(per_class(y[train], classes)) == train_sizes, "the train rows per class differ from scikit-learn's")
    check(tuple(per_class(y[test], classes)) == test_sizes, "the test rows per class differ from scikit-learn's")
    check(np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(y))),
          "train and test should be disjoint and cover every row")
    check(np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0), "train and test indices should be sorted")


def split_expected(y, train_counts, seed):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c, k in zip(np.unique(y), train_counts):
        perm = rng.permutation(np.flatnonzero(y == c))
        train += list(perm[:k])
        test += list(perm[k:])
    return np.sort(train), np.sort(test)


@pytest.mark.points(3)
def test_stratified_split_documented_rows_and_ties(lab):
    """stratified_split: the documented permutation draws; equal remainders go to the smaller label first."""
    y = labels([50, 7, 13])
    for seed in (0, 5):
        train, test = lab.stratified_split(y, 0.25, seed)
        exp_train, exp_test = split_expected(y, [37, 5, 10], seed)
        assert_equal(train, exp_train, what=f"the train rows (seed {seed})")
        assert_equal(test, exp_test, what=f"the test rows (seed {seed})")
    # classes 2, 5, 7 of 3 rows each, 5 train rows: continuous = 5/3 for each, floors 1, remainders equal;
    # the 2 missing rows go to the smaller labels 2 and 5
    y = np.array([7, 2, 5, 5, 2, 7, 2, 7, 5])
    for test_size in (4, 0.4):
        train, test = lab.stratified_split(y, test_size, 2)
        exp_train, exp_test = split_expected(y, [2, 2, 1], 2)
        assert_equal(train, exp_train, what="train rows with tied remainders (smaller label first)")
        assert_equal(test, exp_test, what="test rows with tied remainders (smaller label first)")


@pytest.mark.points(3)
def test_stratified_split_errors(lab):
    """stratified_split raises ValueError for a one-member class, test_size out of range, too few train/test rows."""
    y = labels([10, 6, 4])
    train, test = lab.stratified_split(y, 3)
    check(len(test) == 3 and len(train) == 17, "an int test_size of 3 should give 3 test rows")
    train, test = lab.stratified_split(y)
    check(len(test) == 5, "the default test_size is 0.25")
    assert_equal(train, split_expected(y, [8, 4, 3], 0)[0], what="the train rows with the defaults (seed 0)")
    for bad in (-0.5, -3):
        with pytest.raises(ValueError):
            lab.stratified_split(y, bad)
    train, test = lab.stratified_split(np.array([4, 4, 4, 4]), 1)
    check(len(test) == 1 and len(train) == 3, "an int test_size of 1 is valid for a single class")
    with pytest.raises(ValueError):
        lab.stratified_split(labels([10, 1, 6]), 0.5)
    for bad in (0.0, 1.0, 1.5, 0, 20, 25):
        with pytest.raises(ValueError):
            lab.stratified_split(y, bad)
    with pytest.raises(ValueError):
        lab.stratified_split(y, 2)
    with pytest.raises(ValueError):
        lab.stratified_split(y, 18)
    train, test = lab.stratified_split(y, 17)
    check(len(train) == 3 and len(test) == 17, "n_train equal to the number of classes is allowed")


# ---- 6. split, then over-sample ----------------------------------------------------------------------------


@pytest.mark.points(5)
def test_split_then_oversample_does_not_leak(lab):
    """split_then_oversample: the test part is the plain stratified test split; only the train part is over-sampled."""
    y = labels([40, 9, 5])
    X = features(y)
    for kind, XX in (("numpy", X), ("tensor", torch.as_tensor(X))):
        X_train, y_train, X_test, y_test = lab.split_then_oversample(XX, as_type(y, "list"), 0.25, 6)
        train_idx, test_idx = split_expected(y, [29, 7, 4], 6)
        check(isinstance(X_test, type(XX)) and isinstance(X_train, type(XX)), f"X_train/X_test should have X's type ({kind})")
        assert_equal(np.asarray(X_test), X[test_idx], what=f"the test rows ({kind})")
        assert_equal(np.asarray(y_test), y[test_idx], what=f"the test labels ({kind})")
        over = oversample_indices(y[train_idx], 6)
        assert_equal(np.asarray(X_train), X[train_idx][over], what=f"the over-sampled train rows ({kind})")
        assert_equal(np.asarray(y_train), y[train_idx][over], what=f"the over-sampled train labels ({kind})")
    check(not np.isin(np.asarray(X_train)[:, 0], np.asarray(X_test)[:, 0]).any(), "a test row appears in the train part")
    check(per_class(y_train, [0, 1, 2]) == [29, 29, 29], "the train part should be balanced")
    with pytest.raises(ValueError):
        lab.split_then_oversample(X[:-1], y, 0.25, 0)
    X_train, y_train, X_test, y_test = lab.split_then_oversample(X, y)
    train_idx, test_idx = split_expected(y, [29, 7, 4], 0)
    assert_equal(np.asarray(X_test), X[test_idx], what="the test rows with the defaults (test_size 0.25, seed 0)")
    assert_equal(np.asarray(y_train), y[train_idx][oversample_indices(y[train_idx], 0)],
                 what="the train labels with the defaults (seed 0)")
