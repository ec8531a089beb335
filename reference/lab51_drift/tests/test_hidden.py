"""Hidden tests for lab 51 (drift).

Oracles:

* ``ks_test``: ``scipy.stats.ks_2samp`` (statistic and p-value, every
  alternative, methods "exact" and "asymp"), on sizes where scipy's exact
  method succeeds without falling back;
* ``kl_divergence`` / ``js_divergence``: ``scipy.stats.entropy`` and
  ``scipy.spatial.distance.jensenshannon`` (squared), every base;
* ``bin_edges`` / ``psi``: ``numpy.quantile`` / ``numpy.linspace`` and the
  docstring's formula written out here with explicit comparisons;
* ``mmd2``: ``sklearn.metrics.pairwise.rbf_kernel`` and the estimators'
  formulas; ``mmd_test``: exactness with user-supplied permutations, and the
  distribution of the p-value under a seeded null (never the reference's
  random order);
* ``oov_drift``: the z-test formula with ``scipy.stats.norm``;
* ``PageHinkley``: the docstring's recurrence written out here, plus detection
  delay on streams with a known change point and no alarm on stationary ones;
* ``RetrainingTrigger``: a simulation of the docstring's policy with the
  oracles above;
* ``RunningStats``: ``numpy.mean`` / ``numpy.var`` on large-magnitude data.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon, pdist
from sklearn.metrics.pairwise import rbf_kernel

from autograder.testing import assert_close, check

EXACT = dict(atol=1e-12, rtol=0.0)


# ---- oracles written out from the docstrings -------------------------------------------------------------------


def oracle_edges(ref, n_bins, strategy):
    ref = np.asarray(ref, dtype=np.float64)
    if strategy == "quantile":
        e = np.quantile(ref, [k / n_bins for k in range(1, n_bins)])
    else:
        e = np.linspace(ref.min(), ref.max(), n_bins + 1)[1:-1]
    return np.unique(e)


def oracle_fractions(values, edges):
    values = np.asarray(values, dtype=np.float64)
    bounds = [-np.inf, *edges, np.inf]
    return np.array([np.mean((values >= lo) & (values < hi)) for lo, hi in zip(bounds[:-1], bounds[1:])])


def oracle_psi(ref, cur, n_bins=10, strategy="quantile", eps=1e-4):
    edges = oracle_edges(ref, n_bins, strategy)
    r = np.maximum(oracle_fractions(ref, edges), eps)
    c = np.maximum(oracle_fractions(cur, edges), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def oracle_mmd2(x, y, bandwidth, unbiased):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if bandwidth is None:
        bandwidth = float(np.median(pdist(np.concatenate([x, y])))) or 1.0
    gamma = 1.0 / (2.0 * bandwidth**2)
    kxx, kyy, kxy = rbf_kernel(x, x, gamma=gamma), rbf_kernel(y, y, gamma=gamma), rbf_kernel(x, y, gamma=gamma)
    n, m = len(x), len(y)
    if unbiased:
        return (kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()
    return kxx.mean() + kyy.mean() - 2 * kxy.mean()


def oracle_ph(values, delta, threshold, min_instances, direction):
    """The docstring's recurrence: (alarm positions, statistic after the last value)."""
    n, mean, s_i, m_i, s_d, m_d = 0, 0.0, 0.0, 0.0, 0.0, 0.0
    alarms = []
    stat = 0.0
    for pos, x in enumerate(values):
        n += 1
        mean += (x - mean) / n
        s_i += x - mean - delta
        m_i = min(m_i, s_i)
        s_d += mean - x - delta
        m_d = min(m_d, s_d)
        stat = {"increase": s_i - m_i, "decrease": s_d - m_d, "both": max(s_i - m_i, s_d - m_d)}[direction]
        if n >= min_instances and stat > threshold:
            alarms.append(pos)
            n, mean, s_i, m_i, s_d, m_d, stat = 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    return alarms, stat


def sp_ks(x, y, alternative, method):
    with warnings.catch_warnings():
        warnings.simplefilter("error" if method == "exact" else "ignore")   # exact must not fall back to asymp
        res = stats.ks_2samp(x, y, alternative=alternative, method=method)
    return float(res.statistic), float(res.pvalue)


def assert_ks(got, expected, what):
    check(isinstance(got, (tuple, list)) and len(got) == 2, f"{what}: ks_test should return (statistic, pvalue)")
    assert_close(float(got[0]), expected[0], atol=1e-9, rtol=0, what=f"{what}: statistic")
    p, e = float(got[1]), expected[1]
    check(abs(p - e) <= 1e-12 or abs(p - e) <= 1e-7 * e, f"{what}: wrong p-value")


# ---- bins and PSI ----------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_bin_edges_match_numpy(lab):
    """bin_edges: quantile and uniform edges from the reference, repeated edges merged, ints, bools, lists, tuples."""
    rng = np.random.default_rng(0)
    cases = [(rng.normal(size=200), 10), (rng.exponential(size=57), 4), (rng.integers(0, 4, 100), 10),
             (rng.normal(size=3), 7), (list(rng.uniform(size=30)), 3), (tuple(rng.normal(size=11)), 2)]
    for ref, k in cases:
        for strategy in ("quantile", "uniform"):
            got = np.asarray(lab.bin_edges(ref, k, strategy), dtype=np.float64)
            expected = oracle_edges(ref, k, strategy)
            check(got.shape == expected.shape, f"{strategy} edges, n_bins={k}: {got.shape[0]} edges, expected {expected.shape[0]}")
            assert_close(got, expected, atol=1e-12, rtol=1e-12, what=f"{strategy} edges, n_bins={k}")
    check(np.asarray(lab.bin_edges(rng.normal(size=20), 1)).size == 0, "n_bins=1 gives no interior edge")
    check(np.asarray(lab.bin_edges([2.5] * 9, 5, "uniform")).size == 0, "a constant reference gives no interior edge")
    check(np.asarray(lab.bin_edges([2.5] * 9, 5)).size == 1, "a constant reference: its quantiles merge into one edge")
    got = np.asarray(lab.bin_edges([True, False, False, True, True], 2), dtype=np.float64)
    assert_close(got, [1.0], **EXACT, what="bool reference, the median edge")
    assert_close(np.asarray(lab.bin_edges(rng.normal(size=50))).size, 9, **EXACT, what="default n_bins=10: 9 edges")


@pytest.mark.points(1)
def test_bin_edges_errors(lab):
    """bin_edges raises ValueError for an empty or 2-D reference, NaN, n_bins < 1, a float or bool n_bins, an unknown strategy."""
    lab.bin_edges([1.0, 2.0, 3.0], 2, "uniform")
    for args in [([], 3), ([[1.0, 2.0]], 2), ([1.0, math.nan], 2), ([1.0, math.inf], 2), ([1.0, 2.0], 0),
                 ([1.0, 2.0], 2.0), ([1.0, 2.0], True), ([1.0, 2.0], 2, "equal"), ([1.0, 2.0], 2, "width"), (3.0, 2), (["a", "b"], 2)]:
        with pytest.raises(ValueError):
            lab.bin_edges(*args)


@pytest.mark.points(4)
def test_psi_matches_formula(lab):
    """psi equals the stated formula on random samples, every strategy and several n_bins and eps."""
    rng = np.random.default_rng(1)
    for i in range(12):
        ref = rng.normal(size=int(rng.integers(20, 300)))
        cur = rng.normal(rng.uniform(-1, 1), rng.uniform(0.5, 2), size=int(rng.integers(5, 300)))
        k, strategy, eps = [3, 10, 20][i % 3], ["quantile", "uniform"][i % 2], [1e-4, 1e-3, 1e-6, 0.05][i % 4]
        strategy = "".join(list(strategy))          # an equal string that is not the same object
        got = lab.psi(ref, cur, k, strategy, eps)
        check(np.ndim(got) == 0, "psi should return a single float")
        assert_close(float(got), oracle_psi(ref, cur, k, strategy, eps), atol=1e-10, rtol=1e-10,
                     what=f"psi, n_bins={k}, strategy={strategy}, eps={eps}")
    ref = rng.normal(size=500)
    assert_close(float(lab.psi(ref, ref + 0.3)), oracle_psi(ref, ref + 0.3), atol=1e-10, rtol=1e-10, what="psi with the defaults")
    assert_close(float(lab.psi(ref, rng.permutation(ref))), 0.0, **EXACT, what="psi of a sample against itself")


@pytest.mark.points(3)
def test_psi_empty_bins_are_finite(lab):
    """An empty bin counts eps (no renormalisation): PSI stays finite and equals the formula."""
    rng = np.random.default_rng(2)
    ref = rng.normal(size=400)
    for cur, eps in [(rng.normal(5.0, 0.1, size=100), 1e-4), (rng.normal(-4.0, 0.1, size=60), 1e-6),
                     (np.full(30, 0.01), 1e-4), (rng.normal(size=7), 0.01)]:
        got = float(lab.psi(ref, cur, 10, "quantile", eps))
        check(math.isfinite(got), "PSI with an empty bin must be finite (floor the fractions at eps)")
        assert_close(got, oracle_psi(ref, cur, 10, "quantile", eps), atol=1e-10, rtol=1e-10, what=f"psi with empty bins, eps={eps}")
    # reference bins empty too: a 'uniform' reference with a gap in the middle
    ref = np.concatenate([rng.uniform(0, 1, 50), rng.uniform(9, 10, 50)])
    cur = rng.uniform(0, 10, 80)
    assert_close(float(lab.psi(ref, cur, 10, "uniform")), oracle_psi(ref, cur, 10, "uniform"), atol=1e-10, rtol=1e-10,
                 what="psi where reference bins are empty")


@pytest.mark.points(3)
def test_psi_bins_from_reference_closed_left(lab):
    """psi uses the REFERENCE's edges (not the current's or the pooled ones), and a value on an edge goes to the bin on its right."""
    rng = np.random.default_rng(3)
    ref, cur = rng.exponential(size=300), rng.normal(1.0, 2.0, size=200)
    assert_close(float(lab.psi(ref, cur)), oracle_psi(ref, cur), atol=1e-10, rtol=1e-10, what="psi(reference, current)")
    assert_close(float(lab.psi(cur, ref)), oracle_psi(cur, ref), atol=1e-10, rtol=1e-10,
                 what="psi with the samples swapped (edges from the first argument)")
    ref, cur = rng.integers(0, 5, 400), rng.integers(0, 5, 150)      # integer data: many values sit on edges
    for k, strategy in [(4, "uniform"), (5, "quantile"), (10, "quantile"), (8, "uniform")]:
        assert_close(float(lab.psi(ref, cur, k, strategy)), oracle_psi(ref, cur, k, strategy), atol=1e-10, rtol=1e-10,
                     what=f"psi of integer data (values on the edges), n_bins={k}, {strategy}")
    ref, cur = [0, 1, 2, 3], [1, 1, 1, 1]        # uniform edges 1.5 with n_bins=2: [0, 1] | [2, 3]
    assert_close(float(lab.psi(ref, cur, 2, "uniform")), oracle_psi(ref, cur, 2, "uniform"), **EXACT, what="psi, tiny case")
    ref, cur = [0.0, 1.0, 2.0, 3.0], [2.0, 2.0, 2.0, 0.0]   # quantile edge of n_bins=2 at 1.5; 3 bins at 1, 2
    assert_close(float(lab.psi(ref, cur, 3, "quantile")), oracle_psi(ref, cur, 3, "quantile"), **EXACT,
                 what="psi with current values exactly on the edges")


@pytest.mark.points(2)
def test_psi_errors(lab):
    """psi raises ValueError for bad samples, eps <= 0, bad n_bins or strategy."""
    check(math.isfinite(float(lab.psi([1.0, 2.0, 3.0], [7.0, 8.0], 2))), "psi([1, 2, 3], [7, 8], 2) should be finite")
    good = [1.0, 2.0, 3.0, 4.0]
    for args in [([], good), (good, []), (good, [[1.0, 2.0]]), (good, [1.0, math.nan]), (good, good, 0),
                 (good, good, 3, "log"), (good, good, 3, "quantile", 0.0), (good, good, 3, "quantile", -1e-4),
                 ([math.inf, 1.0], good)]:
        with pytest.raises(ValueError):
            lab.psi(*args)


# ---- KL and JS -------------------------------------------------------------------------------------------------


def distribution_cases(rng):
    cases = [(rng.random(k), rng.random(k)) for k in (1, 2, 5, 30)]
    cases += [(rng.integers(0, 20, 8), rng.integers(1, 20, 8)),        # counts, not normalised
              ([0.5, 0.5, 0.0], [0.2, 0.3, 0.5]),                       # p has a zero: 0 log 0 = 0
              ([3, 0, 1], [1, 1, 1]), ((0.1, 0.9), (0.9, 0.1)),
              (np.array([1e-300, 1.0]), np.array([0.5, 0.5]))]
    return cases


@pytest.mark.points(3)
def test_kl_matches_scipy(lab):
    """kl_divergence equals scipy.stats.entropy(p, q, base) for counts and probabilities, zeros in p, every base."""
    rng = np.random.default_rng(4)
    for p, q in distribution_cases(rng):
        for base in (None, 2, 10, math.e, 0.5):
            got = lab.kl_divergence(p, q, base)
            check(np.ndim(got) == 0, "kl_divergence should return a single float")
            assert_close(float(got), float(stats.entropy(p, q, base=base)), atol=1e-12, rtol=1e-10, what=f"KL, base={base}")
    assert_close(float(lab.kl_divergence([1, 2, 3], [1, 2, 3])), 0.0, **EXACT, what="KL of equal distributions")
    check(float(lab.kl_divergence([0.5, 0.5], [1.0, 0.0])) == math.inf, "KL with q_i = 0 < p_i must be inf")
    check(float(lab.kl_divergence([1.0, 0.0], [0.5, 0.5], 2)) == 1.0, "KL([1, 0] || [1/2, 1/2]) in bits is 1")


@pytest.mark.points(4)
def test_js_matches_scipy(lab):
    """js_divergence equals jensenshannon(p, q, base) ** 2, is symmetric and bounded by 1 bit."""
    rng = np.random.default_rng(5)
    for p, q in distribution_cases(rng) + [([1.0, 0.0], [0.0, 1.0]), ([2, 0, 0], [0, 5, 5])]:
        for base in (None, 2, 10):
            got = lab.js_divergence(p, q, base)
            check(np.ndim(got) == 0, "js_divergence should return a single float")
            assert_close(float(got), float(jensenshannon(p, q, base=base)) ** 2, atol=1e-12, rtol=1e-10,
                         what=f"JS divergence, base={base}")
            assert_close(float(lab.js_divergence(q, p, base)), float(got), **EXACT, what="JS is symmetric")
    assert_close(float(lab.js_divergence([1, 0], [0, 1], 2)), 1.0, **EXACT, what="JS of disjoint distributions in bits")
    assert_close(float(lab.js_divergence([1, 0], [0, 1])), math.log(2), **EXACT, what="JS of disjoint distributions in nats")


@pytest.mark.points(2)
def test_kl_js_errors(lab):
    """kl_divergence and js_divergence raise ValueError for bad distributions and bases."""
    lab.kl_divergence([1, 1], [1, 2])
    lab.js_divergence([1, 1], [1, 2])
    for args in [([], []), ([1, 2], [1, 2, 3]), ([-1, 2], [1, 2]), ([1, 2], [0, 0]), ([[1, 2]], [[1, 2]]),
                 ([1, math.nan], [1, 1]), ([1, 2], [1, math.inf]), ([1, 2], [1, 2], 1), ([1, 2], [1, 2], 0),
                 ([1, 2], [1, 2], -2), ([1, 2], [1, 2], math.nan), ([1.0], [1, 2, 3]), ([1, 2, 3], [2.0]),
                 (1.0, 1.0), (["1", "2"], [1, 1]), ([1, 1], ["1", "2"])]:
        for fn in (lab.kl_divergence, lab.js_divergence):
            with pytest.raises(ValueError):
                fn(*args)


# ---- the KS test -----------------------------------------------------------------------------------------------


def ks_cases(rng):
    cases = []
    for n1, n2 in [(1, 1), (1, 7), (5, 5), (8, 12), (30, 30), (40, 25), (64, 48), (100, 150), (300, 200), (13, 97)]:
        cases.append((rng.normal(size=n1), rng.normal(rng.uniform(-0.8, 0.8), rng.uniform(0.7, 1.5), size=n2)))
    cases.append((rng.normal(size=50), rng.normal(3.0, size=60)))                 # tiny p-value
    cases.append((rng.integers(0, 6, 40), rng.integers(1, 7, 35)))                # many ties
    cases.append((np.arange(20.0), np.arange(20.0)))                              # identical samples
    return cases


@pytest.mark.points(2)
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_ks_exact_matches_scipy(lab, alternative):
    """ks_test(method='exact') equals scipy.stats.ks_2samp (statistic and p-value)."""
    rng = np.random.default_rng(6)
    for x, y in ks_cases(rng):
        got = lab.ks_test(x, y, alternative, "exact")
        assert_ks(got, sp_ks(x, y, alternative, "exact"), f"exact, {alternative}, sizes {len(x)} and {len(y)}")
        got = lab.ks_test(y, x, alternative, "exact")
        assert_ks(got, sp_ks(y, x, alternative, "exact"), f"exact, {alternative}, sizes {len(y)} and {len(x)}")


@pytest.mark.points(2)
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_ks_asymp_matches_scipy(lab, alternative):
    """ks_test(method='asymp') equals scipy.stats.ks_2samp (statistic and p-value)."""
    rng = np.random.default_rng(7)
    cases = ks_cases(rng)[1:] + [(rng.normal(size=3000), rng.normal(0.05, size=2000))]   # sizes 1 and 1: en rounds to 0
    for x, y in cases:
        assert_ks(lab.ks_test(x, y, alternative, "asymp"), sp_ks(x, y, alternative, "asymp"),
                  f"asymp, {alternative}, sizes {len(x)} and {len(y)}")


@pytest.mark.points(3)
def test_ks_defaults_types_and_tails(lab):
    """ks_test defaults to two-sided exact; lists, ints, bools; 'greater' means current values tend to be larger."""
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=60), rng.normal(0.2, size=45)
    assert_ks(lab.ks_test(x, y), sp_ks(x, y, "two-sided", "exact"), "defaults")
    assert_ks(lab.ks_test(list(x), tuple(y)), sp_ks(x, y, "two-sided", "exact"), "lists and tuples")
    xi, yi = [1, 2, 2, 3, 5, 5, 5], [2, 3, 3, 4, 6]
    for alternative in ("two-sided", "less", "greater"):
        assert_ks(lab.ks_test(xi, yi, alternative), sp_ks(xi, yi, alternative, "exact"), f"int samples, {alternative}")
        for method in ("exact", "asymp"):     # equal strings that are not the same objects
            assert_ks(lab.ks_test(xi, yi, "".join(list(alternative)), "".join(list(method))),
                      sp_ks(xi, yi, alternative, method), f"int samples, {alternative}, {method}")
    xb, yb = [True, False, True, True], [False, False, True, False, False]
    assert_ks(lab.ks_test(xb, yb), sp_ks(xb, yb, "two-sided", "exact"), "bool samples")
    ref, cur = rng.normal(size=80), rng.normal(1.0, size=80)          # current shifted UP
    _, p_greater = lab.ks_test(ref, cur, "greater")
    _, p_less = lab.ks_test(ref, cur, "less")
    check(p_greater < 1e-6 and p_less > 0.5,
          "current values larger than the reference: 'greater' should reject (tiny p) and 'less' should not")
    s_plus, _ = lab.ks_test([0.0, 1.0], [5.0, 6.0], "less")
    check(float(s_plus) == 0.0, "a one-sided statistic is clipped at 0")
    s, p = lab.ks_test([0.0, 1.0], [5.0, 6.0], "greater")
    check(float(s) == 1.0 and abs(float(p) - 1 / 6) < 1e-12, "complete separation, sizes 2 and 2: D+ = 1, p = 1/6")


@pytest.mark.points(1)
def test_ks_errors(lab):
    """ks_test raises ValueError for empty or 2-D samples, NaN, an unknown alternative or method."""
    lab.ks_test([1.0, 2.0], [3.0], "less", "asymp")
    for args in [([], [1.0]), ([1.0], []), ([[1.0, 2.0]], [1.0]), ([1.0, math.nan], [2.0]),
                 ([1.0], [2.0], "two_sided"), ([1.0], [2.0], "two-sided", "auto"), ([1.0], [2.0], "less", "approx")]:
        with pytest.raises(ValueError):
            lab.ks_test(*args)


# ---- MMD -------------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("unbiased", [True, False], ids=["unbiased", "biased"])
def test_mmd2_matches_formula(lab, unbiased):
    """mmd2 equals the estimator built from sklearn's rbf_kernel, with given bandwidths and the median heuristic."""
    rng = np.random.default_rng(9)
    for n, m, d, shift in [(20, 20, 3, 0.0), (15, 31, 8, 0.5), (2, 3, 1, 1.0), (40, 10, 16, 0.2)]:
        x, y = rng.normal(size=(n, d)), rng.normal(shift, size=(m, d))
        for bw in (0.5, 2.0, 10.0, None):
            got = lab.mmd2(x, y, bw, unbiased)
            check(np.ndim(got) == 0, "mmd2 should return a single float")
            assert_close(float(got), oracle_mmd2(x, y, bw, unbiased), atol=1e-10, rtol=1e-9,
                         what=f"mmd2, sizes {n} and {m}, d={d}, bandwidth={bw}")
    x, y = rng.normal(size=(12, 4)), rng.normal(size=(9, 4))
    assert_close(float(lab.mmd2(x.tolist(), y.tolist(), 1.5, unbiased)), oracle_mmd2(x, y, 1.5, unbiased),
                 atol=1e-10, rtol=1e-9, what="mmd2 of nested lists")
    xi, yi = rng.integers(0, 3, (10, 2)), rng.integers(0, 3, (8, 2))
    assert_close(float(lab.mmd2(xi, yi, None, unbiased)), oracle_mmd2(xi, yi, None, unbiased), atol=1e-10, rtol=1e-9,
                 what="mmd2 of integer arrays")


@pytest.mark.points(2)
def test_mmd2_estimators_and_named_values(lab):
    """unbiased is the default; the biased estimate is >= 0, the unbiased can be negative; a zero median gives bandwidth 1."""
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(25, 4)), rng.normal(size=(25, 4))
    assert_close(float(lab.mmd2(x, y)), oracle_mmd2(x, y, None, True), atol=1e-10, rtol=1e-9, what="mmd2 defaults")
    check(float(lab.mmd2(x, x, 1.0, False)) == pytest.approx(0.0, abs=1e-12), "biased mmd2 of a set against itself is 0")
    check(float(lab.mmd2(x, x, 1.0, True)) < 0, "unbiased mmd2 of a set against itself is negative (diagonal left out)")
    z = np.zeros((6, 2))
    z[5] = [3.0, 4.0]                                  # most pairwise distances are 0: median 0
    x, y = z[:3], z[3:]
    for unbiased in (True, False):
        assert_close(float(lab.mmd2(x, y, None, unbiased)), oracle_mmd2(x, y, 1.0, unbiased), **EXACT,
                     what="a zero median distance: bandwidth 1.0")
    x, y = rng.normal(size=(1, 3)), rng.normal(size=(4, 3))
    assert_close(float(lab.mmd2(x, y, 1.0, False)), oracle_mmd2(x, y, 1.0, False), atol=1e-12, rtol=1e-10,
                 what="biased mmd2 with a single row in X")
    x, y = 0.05 * rng.normal(size=(15, 3)), 0.05 * rng.normal(0.5, size=(12, 3))   # median distance well below 1
    assert_close(float(lab.mmd2(x, y)), oracle_mmd2(x, y, None, True), atol=1e-10, rtol=1e-9,
                 what="median heuristic on small-scale embeddings")
    rows = 0.1 * rng.normal(size=(3, 5)) + 0.7
    x, y = rows[[0, 1, 0, 1, 0, 1, 0, 1]], rows[[2, 2, 2, 0, 2, 2, 1, 2]]           # many duplicated rows
    for unbiased in (True, False):
        assert_close(float(lab.mmd2(x, y, None, unbiased)), oracle_mmd2(x, y, None, unbiased), atol=1e-10, rtol=1e-9,
                     what="median heuristic with duplicated rows")


@pytest.mark.points(3)
def test_mmd2_large_offset(lab):
    """mmd2 stays accurate when every embedding coordinate is near 1e6 (the kernel depends on differences only)."""
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=(30, 8)), rng.normal(0.3, size=(20, 8))
    for unbiased in (True, False):
        for bw in (1.0, None):
            assert_close(float(lab.mmd2(x + 1e6, y + 1e6, bw, unbiased)), oracle_mmd2(x, y, bw, unbiased),
                         atol=1e-9, rtol=0, what=f"mmd2 with an offset of 1e6, bandwidth={bw}")


@pytest.mark.points(1)
def test_mmd2_errors(lab):
    """mmd2 raises ValueError for 1-D or empty inputs, different widths, a bad bandwidth, one row with unbiased."""
    good = np.ones((3, 2))
    lab.mmd2(good, good + 1, 1.0)
    for args in [(np.ones(3), good), (good, np.ones((3, 3))), (np.ones((0, 2)), good), (good, good, 0.0),
                 (good, good, -1.0), (good, good, math.inf), (np.ones((1, 2)), good, 1.0, True),
                 (good, np.ones((1, 2)), None, True), (np.array([[1.0, math.nan]]), good, 1.0, False),
                 (np.ones((0, 2)), good, 1.0, False), (good, np.ones((0, 2)), 1.0, False),
                 (np.ones((3, 0)), np.ones((3, 0)), 1.0, False), (np.ones((3, 2, 1)), np.ones((3, 2, 1)), 1.0),
                 ([["1", "2"], ["3", "4"]], good, 1.0), (good, [["1", "2"], ["3", "4"]], 1.0)]:
        with pytest.raises(ValueError):
            lab.mmd2(*args)


@pytest.mark.points(4)
def test_mmd_test_exact_with_permutations(lab):
    """mmd_test with a permutation list: p = (1 + #{stat >= observed}) / (1 + B), within-group reorderings counted."""
    rng = np.random.default_rng(12)
    n, m = 8, 6
    x, y = rng.normal(size=(n, 3)), rng.normal(0.4, size=(m, 3))
    z = np.concatenate([x, y])
    perms = [rng.permutation(n + m) for _ in range(40)]
    perms.append(np.arange(n + m))                                              # the identity
    perms.append(np.concatenate([rng.permutation(n), n + rng.permutation(m)]))  # reorders within groups only
    for unbiased in (True, False):
        for bw in (1.0, None):
            observed = oracle_mmd2(x, y, bw, unbiased)
            bw_fixed = bw if bw is not None else float(np.median(pdist(z)))
            permuted = [oracle_mmd2(z[p[:n]], z[p[n:]], bw_fixed, unbiased) for p in perms]
            rel = [s - observed for s in permuted]
            check(all(abs(r) > 1e-9 for r in rel[:40]), "test data have no near-ties")   # the test's own sanity
            expected = (1 + sum(r >= -1e-12 for r in rel)) / (1 + len(perms))
            stat, p = lab.mmd_test(x, y, 5, bw, unbiased, 0, [q.tolist() for q in perms])
            assert_close(float(stat), observed, atol=1e-10, rtol=1e-9, what="mmd_test's statistic")
            assert_close(float(p), expected, **EXACT, what=f"p-value with given permutations, unbiased={unbiased}, bandwidth={bw}")
    stat, p = lab.mmd_test(x, y, 200, 1.0, True, 0, np.array([np.arange(n + m)]))
    assert_close(float(p), 1.0, **EXACT, what="only the identity permutation: p = 2 / 2")


@pytest.mark.points(3)
def test_mmd_test_null_calibration(lab):
    """Under the null the p-values of many seeded tests are spread uniformly; the same seed repeats, another seed differs."""
    rng = np.random.default_rng(13)
    args = []
    for s in range(150):
        x, y = rng.normal(size=(12, 2)), rng.normal(size=(10, 2))
        args.append((x, y, 39, None, True, 1000 + s, None))
    pvals = np.array([p for _, p in lab.map(lab.mmd_test, args)], dtype=np.float64)
    grid = np.arange(1, 41) / 40
    check(np.all(np.isclose(pvals[:, None], grid[None, :]).any(axis=1)),
          "with 39 permutations every p-value is k / 40 for k = 1 .. 40")
    # uniform over {1/40, ..., 1}: mean 0.5125, P(p <= 0.1) = 0.1
    check(0.4 < pvals.mean() < 0.62, "under the null the p-values should average about 0.5")
    check(2 <= np.sum(pvals <= 0.1) <= 33, "under the null about 10 % of p-values should be <= 0.1")
    check(np.sum(pvals <= 0.5) >= 50 and np.sum(pvals > 0.5) >= 50, "under the null the p-values should be spread over (0, 1]")
    x, y = rng.normal(size=(15, 3)), rng.normal(size=(15, 3))
    first = lab.mmd_test(x, y, 100, None, False, 7)
    again = lab.mmd_test(x, y, 100, None, False, 7)
    check(float(first[1]) == float(again[1]), "the same seed must give the same p-value")
    others = {float(lab.mmd_test(x, y, 100, None, False, s)[1]) for s in range(8, 14)}
    check(len(others | {float(first[1])}) > 1, "different seeds should give different permutations")
    # the defaults: unbiased, seed 0, 200 permutations (so the p-value is a multiple of 1/201)
    stat, p = lab.mmd_test(x, y)
    assert_close(float(stat), oracle_mmd2(x, y, None, True), atol=1e-10, rtol=1e-9, what="mmd_test's default estimator")
    check(float(lab.mmd_test(x, y, 30)[1]) == float(lab.mmd_test(x, y, 30, None, True, 0)[1]), "the default seed is 0")
    check(abs(float(p) * 201 - round(float(p) * 201)) < 1e-9, "with the default n_permutations=200, p is k / 201")


@pytest.mark.points(2)
def test_mmd_test_detects_shift(lab):
    """A clear shift of the embeddings gives the smallest p-value 1 / (B + 1); p is never 0."""
    rng = np.random.default_rng(14)
    x, y = rng.normal(size=(30, 5)), rng.normal(1.5, size=(30, 5))
    for unbiased in (True, False):
        stat, p = lab.mmd_test(x, y, 99, None, unbiased, 3)
        assert_close(float(stat), oracle_mmd2(x, y, None, unbiased), atol=1e-10, rtol=1e-9, what="mmd_test's statistic")
        assert_close(float(p), 0.01, **EXACT, what="p-value of a clear shift with 99 permutations")
    x2, y2 = x + 1e6, y + 1e6
    _, p = lab.mmd_test(x2, y2, 49, 2.0, True, 5)
    assert_close(float(p), 0.02, **EXACT, what="p-value of a clear shift with an offset of 1e6")


@pytest.mark.points(1)
def test_mmd_test_errors(lab):
    """mmd_test raises ValueError for bad permutations and n_permutations < 1."""
    x, y = np.zeros((2, 1)), np.ones((2, 1))
    lab.mmd_test(x, y, 3, 1.0, True, 0, [[3, 2, 1, 0]])
    check(float(lab.mmd_test(x, y, 1, 1.0, True)[1]) in (0.5, 1.0), "n_permutations=1 is allowed: p is 1/2 or 1")
    for kwargs in [dict(permutations=[]), dict(permutations=[[0, 1, 2]]), dict(permutations=[[0, 1, 2, 2]]),
                   dict(permutations=[[0, 1, 2, 4]]), dict(permutations=[[0, 1, 2, 3], [0, 1, 2]]),
                   dict(permutations=[[0.0, 1.0, 2.0, 3.0]]), dict(permutations=[[[0, 1, 2, 3]]]),
                   dict(n_permutations=0), dict(n_permutations=-3), dict(n_permutations=2.0), dict(n_permutations=True)]:
        with pytest.raises(ValueError):
            lab.mmd_test(x, y, **kwargs)


# ---- OOV drift -------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_tokenize_and_oov_rate(lab):
    """tokenize lowercases word runs; oov_rate counts tokens of all texts together against vocab entries as given."""
    check(list(lab.tokenize("Don't STOP, café-au-lait 42_x!")) == ["don", "t", "stop", "café", "au", "lait", "42_x"],
          "tokenize: lowercase runs of \\w characters")
    check(list(lab.tokenize("  ... ")) == [], "tokenize of punctuation only is empty")
    vocab = {"the", "cat", "sat", "on", "mat"}
    assert_close(float(lab.oov_rate(["The cat sat", "on the MAT!"], vocab)), 0.0, **EXACT, what="no OOV")
    assert_close(float(lab.oov_rate(["the dog", "a b c d e f g h"], vocab)), 9 / 10, **EXACT,
                 what="OOV rate counts tokens over all texts together")
    assert_close(float(lab.oov_rate(("The Dog", ""), ["The", "dog"])), 1 / 2, **EXACT,
                 what="vocab entries are compared as given ('The' never matches)")
    assert_close(float(lab.oov_rate(["naïve café"], ("café",))), 1 / 2, **EXACT, what="non-ASCII tokens, a tuple vocab")
    assert_close(float(lab.oov_rate(["x y"], {"x": 1})), 1 / 2, **EXACT, what="a dict vocab (its keys)")


@pytest.mark.points(3)
def test_oov_drift_ztest(lab):
    """oov_drift: the one-sided two-proportion z-test of the docstring, every returned field."""
    vocab = {f"w{i}" for i in range(50)}
    rng = np.random.default_rng(15)

    def texts(n_texts, oov_share):
        out = []
        for _ in range(n_texts):
            toks = [f"w{rng.integers(50)}" if rng.random() > oov_share else f"new{rng.integers(1000)}" for _ in range(12)]
            out.append(" ".join(toks))
        return out

    for share_ref, share_cur, alpha in [(0.05, 0.05, 0.01), (0.05, 0.12, 0.01), (0.1, 0.02, 0.05), (0.02, 0.04, 0.2)]:
        ref, cur = texts(40, share_ref), texts(30, share_cur)
        k1 = sum(t.startswith("new") for s in ref for t in s.split())
        k2 = sum(t.startswith("new") for s in cur for t in s.split())
        n1, n2 = 12 * len(ref), 12 * len(cur)
        p1, p2, pooled = k1 / n1, k2 / n2, (k1 + k2) / (n1 + n2)
        z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        pvalue = float(stats.norm.sf(z))
        got = lab.oov_drift(ref, cur, vocab, alpha)
        check(set(got) == {"reference_rate", "current_rate", "z", "pvalue", "drift"}, "oov_drift returns the five keys")
        for key, value in [("reference_rate", p1), ("current_rate", p2), ("z", z), ("pvalue", pvalue)]:
            assert_close(float(got[key]), value, atol=1e-12, rtol=1e-9, what=f"oov_drift's {key}")
        check(bool(got["drift"]) == (pvalue < alpha), "drift is pvalue < alpha")
    got = lab.oov_drift(["a b c d"] * 5, ["a zz yy xx"] * 5, {"a", "b", "c", "d"})
    check(got["drift"] is True or got["drift"] == True, "a jump of the OOV rate from 0 to 0.75 is drift")  # noqa: E712
    got = lab.oov_drift(["a zz yy xx"] * 5, ["a b c d"] * 5, {"a", "b", "c", "d"})
    check(not got["drift"] and float(got["pvalue"]) > 0.99, "a FALL of the OOV rate is not drift (one-sided test)")
    check(bool(lab.oov_drift(["a b"] * 50, ["a b b b q"] * 50, {"a", "b"})["drift"]), "default alpha=0.01: OOV 0 -> 0.2 is drift")
    got = lab.oov_drift(["a q"], ["b r b z"], {"a", "b"}, 0.5)     # equal rates: z = 0, p = 0.5, not < 0.5
    check(float(got["pvalue"]) == 0.5 and not got["drift"], "equal rates: p-value 0.5, and drift needs pvalue < alpha")


@pytest.mark.points(1)
def test_oov_drift_no_variation(lab):
    """When the pooled OOV rate is 0 or 1, z is 0 and the p-value 1."""
    for ref, cur, rate in [(["a b"], ["b a a"], 0.0), (["x y"], ["z"], 1.0)]:
        got = lab.oov_drift(ref, cur, ["a", "b"], 0.5)
        assert_close([float(got["z"]), float(got["pvalue"])], [0.0, 1.0], **EXACT, what="z and p with no variation")
        check(not got["drift"], "no variation: no drift")
        assert_close(float(got["current_rate"]), rate, **EXACT, what="current_rate")


@pytest.mark.points(2)
def test_oov_errors(lab):
    """oov_rate and oov_drift raise ValueError for a single str, no tokens, a non-str text, a bad alpha."""
    lab.oov_rate(["a"], ["a"])
    for args in [("a b c", ["a"]), ([], ["a"]), (["", " !"], ["a"]), (["a", 3], ["a"])]:
        with pytest.raises(ValueError):
            lab.oov_rate(*args)
    lab.oov_drift(["a"], ["b"], ["a"], 0.3)
    for args in [(["a"], ["b"], ["a"], 0.0), (["a"], ["b"], ["a"], 1.0), (["a"], ["b"], ["a"], -0.5), (["a"], ["b"], ["a"], 2.0), (["a"], "b", ["a"]), ([""], ["b"], ["a"]),
                 (["a"], ["..."], ["a"])]:
        with pytest.raises(ValueError):
            lab.oov_drift(*args)
    with pytest.raises(ValueError):
        lab.tokenize(b"bytes")


# ---- Page-Hinkley ----------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_page_hinkley_matches_recurrence(lab):
    """PageHinkley.run gives the alarms and statistic of the stated recurrence, in every direction."""
    rng = np.random.default_rng(16)
    settings = [(0.005, 50.0, 30, "increase"), (0.05, 20.0, 30, "decrease"), (0.1, 10.0, 1, "both"),
                (0.0, 5.0, 10, "increase"), (0.2, 3.0, 50, "both"), (0.01, 8.0, 5, "decrease")]
    for delta, threshold, min_inst, direction in settings:
        stream = np.concatenate([rng.normal(0, 1, 300), rng.normal(rng.choice([-2.0, 2.0]), 1, 300),
                                 rng.normal(0, 2, 200)])
        ph = lab.PageHinkley(delta, threshold, min_inst, direction)
        alarms = list(ph.run(stream))
        expected, stat = oracle_ph(stream, delta, threshold, min_inst, direction)
        check(alarms == expected, f"wrong alarm positions for delta={delta}, threshold={threshold}, "
                                  f"min_instances={min_inst}, direction={direction!r}")
        assert_close(float(ph.statistic), stat, atol=1e-8, rtol=1e-9, what="statistic after the stream")
    ph = lab.PageHinkley()
    expected, stat = oracle_ph(stream * 10, 0.005, 50.0, 30, "increase")
    check(list(ph.run(list(stream * 10))) == expected, "wrong alarms with the default settings")
    assert_close(float(ph.statistic), stat, atol=1e-8, rtol=1e-9, what="statistic with the default settings")


@pytest.mark.points(3)
def test_page_hinkley_detection_delay(lab):
    """A mean increase of 1 sigma at a known point is detected within a bounded delay, never before it."""
    for seed in range(4):
        rng = np.random.default_rng(100 + seed)
        change = 800 + 100 * seed
        stream = np.concatenate([rng.normal(0, 1, change), rng.normal(1.0, 1, 600)])
        alarms = list(lab.PageHinkley(0.2, 30.0, 30, "increase").run(stream))
        check(len(alarms) >= 1, "a 1-sigma increase must be detected")
        check(change <= alarms[0] <= change + 100, "the first alarm should come after the change, within 100 values")
        down = list(lab.PageHinkley(0.2, 30.0, 30, "decrease").run(stream))
        check(not down, "direction='decrease' must not fire on an increase")
        down = list(lab.PageHinkley(0.2, 30.0, 30, "decrease").run(-stream))
        check(len(down) >= 1 and change <= down[0] <= change + 100, "direction='decrease' detects a decrease")
        both = list(lab.PageHinkley(0.2, 30.0, 30, "both").run(-stream))
        check(len(both) >= 1 and change <= both[0] <= change + 100, "direction='both' detects a decrease")


@pytest.mark.points(2)
def test_page_hinkley_no_false_alarm(lab):
    """No alarm on stationary streams (large offsets included), in any direction."""
    rng = np.random.default_rng(17)
    for offset in (0.0, 5.0, -1e6):
        stream = offset + rng.normal(0, 1, 5000)
        for direction in ("increase", "decrease", "both"):
            ph = lab.PageHinkley(0.1, 50.0, 30, direction)
            check(list(ph.run(stream)) == [], f"false alarm on a stationary stream (offset {offset}, {direction!r})")
            check(0.0 <= float(ph.statistic) <= 50.0, "the statistic stays in [0, threshold] without alarm")


@pytest.mark.points(2)
def test_page_hinkley_state_across_calls(lab):
    """State carries across run/update calls; an alarm resets it (statistic 0, min_instances counted again)."""
    rng = np.random.default_rng(18)
    stream = np.concatenate([rng.normal(0, 1, 200), rng.normal(3, 1, 200)])
    whole = list(lab.PageHinkley(0.05, 10.0, 20, "both").run(stream))
    ph = lab.PageHinkley(0.05, 10.0, 20, "both")
    first, second = list(ph.run(stream[:250])), list(ph.run(stream[250:]))
    check(first + [250 + a for a in second] == whole, "two run calls must give the alarms of one run over both chunks")
    ph = lab.PageHinkley(0.0, 1.0, 3, "increase")
    fired = [bool(ph.update(v)) for v in [0.0, 0.0, 0.0, 10.0]]
    check(fired == [False, False, False, True], "PageHinkley(0, 1, 3) on 0, 0, 0, 10 fires at the 10")
    check(float(ph.statistic) == 0.0, "the statistic is 0 right after an alarm")
    fired = [bool(ph.update(v)) for v in [10.0, 30.0, 60.0]]
    expected, _ = oracle_ph([0.0, 0.0, 0.0, 10.0, 10.0, 30.0, 60.0], 0.0, 1.0, 3, "increase")
    check([3 + i for i, f in enumerate(fired, 1) if f] == expected[1:],
          "after an alarm, min_instances counts again from the next value")


@pytest.mark.points(1)
def test_page_hinkley_min_instances(lab):
    """No alarm before min_instances values; min_instances=1 can fire on the second value."""
    ph = lab.PageHinkley(0.0, 1.0, 5, "increase")
    check(list(ph.run([0.0, 100.0, 200.0, 300.0])) == [], "no alarm before min_instances values")
    check(list(ph.run([400.0])) == [0], "the fifth value may fire")
    check(list(lab.PageHinkley(0.0, 1.0, 1, "increase").run([0.0, 100.0])) == [1], "min_instances=1")
    ph = lab.PageHinkley(0.0, 1.0, 1, "increase")
    check(int(ph.n) == 0 and float(ph.mean) == 0.0, "a new detector has n = 0 and mean = 0")
    check(list(ph.run([0.0, 2.0])) == [], "a statistic EQUAL to the threshold is no alarm (it must exceed it)")
    check(float(ph.statistic) == 1.0 and int(ph.n) == 2 and float(ph.mean) == 1.0, "after 0, 2: statistic 1, n 2, mean 1")
    check(list(ph.run([9.0])) == [0] and int(ph.n) == 0 and float(ph.mean) == 0.0, "an alarm resets n and mean to 0")


@pytest.mark.points(1)
def test_page_hinkley_errors(lab):
    """PageHinkley raises ValueError for bad settings and non-finite values."""
    lab.PageHinkley(0.0, 1.0, 1, "both")
    for args in [(-0.1, 1.0), (0.0, 0.0), (0.0, -1.0), (0.0, 1.0, 0), (0.0, 1.0, 2.5), (0.0, 1.0, 2, "up")]:
        with pytest.raises(ValueError):
            lab.PageHinkley(*args)
    ph = lab.PageHinkley()
    ph.update(1.0)
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            ph.update(bad)


# ---- the retraining trigger ------------------------------------------------------------------------------------


def simulate_trigger(reference, windows, psi_threshold, ks_alpha, patience, cooldown, n_bins):
    ref, streak, blocked, out = np.asarray(reference, dtype=np.float64), 0, 0, []
    for w in windows:
        value = oracle_psi(ref, w, n_bins)
        p = float(stats.ks_2samp(ref, w, method="asymp").pvalue)
        drift = value > psi_threshold or p < ks_alpha
        streak = streak + 1 if drift else 0
        retrain = streak >= patience and blocked == 0
        blocked = max(blocked - 1, 0)
        if retrain:
            ref, streak, blocked = np.asarray(w, dtype=np.float64), 0, cooldown
        out.append((value, p, drift, retrain))
    return out


def trigger_windows(rng, drift_first=False):
    means = [0, 0, 1, 1, 1, 1, 0, 1, 2, 2, 2, 2, 2, 0.5, 0.5, 3, 3, 3, 3, 3, 3]
    if drift_first:
        means = [2, 2, 2, 4, 4, 4, 4, 0, 4, 6, 6, 6]
    return [rng.normal(mu, 1, 120) for mu in means]


@pytest.mark.points(1)
@pytest.mark.parametrize("setting", [(0.2, 0.01, 2, 3, 10, False), (0.1, 0.05, 1, 0, 5, False), (0.25, 0.001, 3, 1, 10, False),
                                     (0.5, 0.01, 1, 4, 8, False), (0.2, 0.01, 2, 0, 10, True), (0.3, 0.01, 1, 2, 10, True),
                                     (50.0, 0.01, 1, 1, 10, True)],
                         ids=["defaults", "no-patience-no-cooldown", "patience3", "cooldown4", "first-drifts-patience2",
                              "first-drifts-patience1", "ks-only"])
def test_trigger_follows_policy(lab, setting):
    """RetrainingTrigger.check: PSI, KS p-value, drift, patience, cooldown and the new reference, window by window."""
    psi_threshold, ks_alpha, patience, cooldown, n_bins, drift_first = setting
    rng = np.random.default_rng(19)
    reference, windows = rng.normal(0, 1, 200), trigger_windows(rng, drift_first)
    if setting == (0.2, 0.01, 2, 3, 10, False):
        trig = lab.RetrainingTrigger(reference)
    else:
        trig = lab.RetrainingTrigger(reference, psi_threshold, ks_alpha, patience, cooldown, n_bins)
    expected = simulate_trigger(reference, windows, psi_threshold, ks_alpha, patience, cooldown, n_bins)
    check(any(e[3] for e in expected) and not all(e[3] for e in expected), "test scenario sanity")
    for i, (w, (value, p, drift, retrain)) in enumerate(zip(windows, expected)):
        got = trig.check(w)
        check(set(got) == {"psi", "ks_pvalue", "drift", "retrain"}, "check returns psi, ks_pvalue, drift, retrain")
        assert_close(float(got["psi"]), value, atol=1e-10, rtol=1e-10, what=f"window {i}: psi (against the current reference)")
        assert_close(float(got["ks_pvalue"]), p, atol=1e-12, rtol=1e-7, what=f"window {i}: KS p-value")
        check(bool(got["drift"]) == drift, f"window {i}: wrong drift flag")
        check(bool(got["retrain"]) == retrain, f"window {i}: wrong retrain decision (patience={patience}, cooldown={cooldown})")


@pytest.mark.points(2)
def test_trigger_errors(lab):
    """RetrainingTrigger raises ValueError for bad settings and bad windows (the state then unchanged)."""
    ref = np.linspace(0, 1, 50)
    trig = lab.RetrainingTrigger(ref, 0.2, 0.01, 1, 0, 5)
    for args in [([], ), (ref, 0.0), (ref, -0.1), (ref, 0.2, 0.0), (ref, 0.2, 1.0), (ref, 0.2, -0.1), (ref, 0.2, 1.5), (ref, 0.2, 0.01, 0), (ref, 0.2, 0.01, 1, -1),
                 (ref, 0.2, 0.01, 1.5), (ref, 0.2, 0.01, 1, 0, 0), ([[1.0, 2.0]],)]:
        with pytest.raises(ValueError):
            lab.RetrainingTrigger(*args)
    for bad in ([], [1.0, math.nan], [[0.5, 0.5]]):
        with pytest.raises(ValueError):
            trig.check(bad)
    got = trig.check(ref)
    check(not got["drift"] and not got["retrain"], "after refused windows, the reference itself shows no drift")


# ---- online mean and variance ----------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_running_stats_large_magnitude(lab):
    """RunningStats.update equals numpy's mean and variance on 1e9 + unit noise (no E[x^2] - E[x]^2)."""
    rng = np.random.default_rng(20)
    for offset, scale in [(1e9, 1.0), (-3e8, 0.1), (0.0, 1.0), (1e5, 1e-3)]:
        data = offset + scale * rng.normal(size=3000)
        rs = lab.RunningStats()
        lab.map(rs.update, [(float(v),) for v in data])
        check(int(rs.count) == len(data), "count after 3000 updates")
        assert_close(float(rs.mean), float(np.mean(data)), atol=0, rtol=1e-12, what=f"mean (offset {offset})")
        for ddof in (0, 1):
            assert_close(float(rs.variance(ddof)), float(np.var(data, ddof=ddof)), atol=0, rtol=1e-6,
                         what=f"variance(ddof={ddof}) (offset {offset}, scale {scale})")
    rs = lab.RunningStats()
    lab.map(rs.update, [(1,), (True,), (np.float32(2.5),), (4,)])
    assert_close(float(rs.variance()), float(np.var([1, 1, 2.5, 4])), **EXACT, what="ints, bools and float32 values")


@pytest.mark.points(3)
def test_running_stats_batches(lab):
    """update_batch merges batches with the running state (Chan et al.), mixed with single updates, at large magnitude."""
    rng = np.random.default_rng(21)
    data = 1e9 + rng.normal(size=20000)
    rs = lab.RunningStats()
    pos = 0
    for size in (1, 5000, 0, 7, 3000, 1, 11000, 991):
        if size == 1:
            rs.update(float(data[pos]))
        else:
            rs.update_batch(data[pos:pos + size])
        pos += size
    check(int(rs.count) == 20000, "count after batches")
    assert_close(float(rs.mean), float(np.mean(data)), atol=0, rtol=1e-12, what="mean after batches")
    assert_close(float(rs.variance(1)), float(np.var(data, ddof=1)), atol=0, rtol=1e-6, what="variance after batches")
    rs = lab.RunningStats()
    rs.update_batch([3.0, 5.0])
    rs.update_batch((7.0,))
    assert_close([float(rs.mean), float(rs.variance())], [5.0, 8 / 3], **EXACT, what="batches given as list and tuple")
    rs.update_batch(np.array([], dtype=np.float64))
    check(int(rs.count) == 3, "an empty batch changes nothing")


@pytest.mark.points(2)
def test_running_stats_named_values(lab):
    """An empty RunningStats has nan mean and variance; count <= ddof gives nan; one value has variance 0."""
    rs = lab.RunningStats()
    check(int(rs.count) == 0 and math.isnan(float(rs.mean)) and math.isnan(float(rs.variance())),
          "no data: count 0, mean and variance nan")
    rs.update(4.0)
    check(float(rs.mean) == 4.0 and float(rs.variance()) == 0.0 and math.isnan(float(rs.variance(1))),
          "one value: mean the value, variance 0, sample variance nan")
    rs.update(6.0)
    check(float(rs.variance(1)) == 2.0 and math.isnan(float(rs.variance(2))) and float(rs.variance()) == 1.0,
          "two values 4 and 6: variance 1, sample variance 2, ddof=2 nan")
    check(math.isnan(float(rs.variance(5))), "count < ddof: nan")
    other = lab.RunningStats()
    check(int(other.count) == 0, "each RunningStats has its own state")


@pytest.mark.points(1)
def test_running_stats_errors(lab):
    """RunningStats raises ValueError for non-finite values, 2-D batches, negative ddof; the state is unchanged."""
    rs = lab.RunningStats()
    rs.update_batch([1.0, 2.0, 3.0])
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            rs.update(bad)
    for bad in ([1.0, math.nan], [[1.0, 2.0]], [math.inf], 3.0):
        with pytest.raises(ValueError):
            rs.update_batch(bad)
    for bad in (-1, 0.5):
        with pytest.raises(ValueError):
            rs.variance(bad)
    check(int(rs.count) == 3 and float(rs.mean) == 2.0 and float(rs.variance()) == 2 / 3, "refused values change nothing")
