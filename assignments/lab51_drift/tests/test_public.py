"""Public sanity checks for lab 51 (drift).

Run with ``autograder test lab51_drift``. Passing these does not mean the
hidden tests pass: they compare ``ks_test`` with ``scipy.stats.ks_2samp`` for
every alternative and both methods (ties, tiny p-values, sizes up to a few
hundred), the divergences with ``scipy.stats.entropy`` and
``scipy.spatial.distance.jensenshannon`` in every base, PSI and MMD with their
formulas (empty bins, values on the edges, offsets of 1e6), the permutation
test's p-values under the null over many seeds, Page-Hinkley on streams with a
known change point, the retraining policy window by window, and the running
variance against numpy on 1e9-sized data. scipy and scikit-learn are
installed for you to compare with here; ``drift.py`` may not use the library
tests themselves (see the handout).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from autograder.testing import assert_close, check


def test_psi_zero_and_finite(lab):
    """PSI of a sample against itself is 0; a current sample far outside the reference still gives a finite PSI."""
    ref = np.linspace(0.0, 1.0, 101)
    assert_close(float(lab.psi(ref, ref)), 0.0, atol=1e-12, rtol=0, what="PSI(ref, ref)")
    far = float(lab.psi(ref, ref + 100.0))
    check(math.isfinite(far) and far > 1.0, "an empty bin counts eps: PSI must be finite (and large here)")


def test_bin_edges_quartiles(lab):
    """Quantile edges of 0..8 with 4 bins are its quartiles 2, 4, 6."""
    got = np.asarray(lab.bin_edges(np.arange(9), 4), dtype=np.float64)
    check(np.allclose(got, [2.0, 4.0, 6.0]), f"expected the quartiles [2, 4, 6], got {got}")


def test_kl_and_js_in_bits(lab):
    """KL([1, 0] || [1/2, 1/2]) is 1 bit; JS of disjoint distributions is 1 bit (the divergence, not the distance)."""
    assert_close(float(lab.kl_divergence([1.0, 0.0], [0.5, 0.5], 2)), 1.0, atol=1e-12, rtol=0, what="KL in bits")
    assert_close(float(lab.js_divergence([1, 0], [0, 1], 2)), 1.0, atol=1e-12, rtol=0, what="JS in bits")
    assert_close(float(lab.kl_divergence([2, 2], [1, 3])), float(stats.entropy([2, 2], [1, 3])), atol=1e-12, rtol=0,
                 what="KL of counts (normalise first)")


def test_ks_small_case(lab):
    """Two fully separated samples of size 3: D = 1, exact two-sided p-value 2 / C(6, 3) = 0.1."""
    d, p = lab.ks_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    assert_close([float(d), float(p)], [1.0, 0.1], atol=1e-12, rtol=0, what="(statistic, p-value)")


def test_ks_one_sided_direction(lab):
    """'greater' is the alternative that current values are LARGER than the reference's."""
    rng = np.random.default_rng(0)
    ref, cur = rng.normal(size=50), rng.normal(2.0, size=50)
    _, p_greater = lab.ks_test(ref, cur, "greater")
    _, p_less = lab.ks_test(ref, cur, "less")
    check(p_greater < 0.001 < p_less, "current shifted up: 'greater' should have a tiny p-value, 'less' a large one")


def test_mmd2_biased_by_hand(lab):
    """Biased MMD^2 of {0} against {1} in 1-D with bandwidth 1: 2 - 2 exp(-1/2)."""
    got = float(lab.mmd2([[0.0]], [[1.0]], 1.0, False))
    assert_close(got, 2 - 2 * math.exp(-0.5), atol=1e-12, rtol=0, what="biased MMD^2")


def test_mmd_test_pvalue_range(lab):
    """The permutation p-value is (1 + b) / (1 + B): never 0, at most 1."""
    rng = np.random.default_rng(1)
    _, p = lab.mmd_test(rng.normal(size=(10, 2)), rng.normal(5.0, size=(10, 2)), 19)
    assert_close(float(p), 0.05, atol=1e-12, rtol=0, what="p-value of a huge shift with 19 permutations")


def test_oov(lab):
    """OOV rate over all tokens; a rise of the OOV rate is drift."""
    check(list(lab.tokenize("Hello, World!")) == ["hello", "world"], "tokenize lowercases and drops punctuation")
    assert_close(float(lab.oov_rate(["the cat", "a dog"], {"the", "cat"})), 0.5, atol=1e-12, rtol=0, what="OOV rate")
    check(bool(lab.oov_drift(["a b"] * 50, ["a b zz yy"] * 50, {"a", "b"})["drift"]), "OOV 0 -> 0.5 is drift")


def test_page_hinkley_detects_jump(lab):
    """Page-Hinkley fires soon after a jump of the mean, never before it."""
    rng = np.random.default_rng(2)
    stream = np.concatenate([rng.normal(0, 1, 500), rng.normal(2, 1, 300)])
    alarms = list(lab.PageHinkley(0.1, 30.0).run(stream))
    check(alarms and 500 <= alarms[0] <= 560, f"expected the first alarm within 60 values after 500, got {alarms[:3]}")


def test_retraining_trigger_patience(lab):
    """With patience 2 the first drifting window does not retrain, the second does."""
    rng = np.random.default_rng(3)
    trig = lab.RetrainingTrigger(rng.normal(size=300), patience=2, cooldown=0)
    first, second = trig.check(rng.normal(3.0, size=100)), trig.check(rng.normal(3.0, size=100))
    check(first["drift"] and not first["retrain"], "first drifting window: drift, no retrain yet")
    check(second["drift"] and second["retrain"], "second drifting window in a row: retrain")


def test_running_stats_large_values(lab):
    """The running variance of 1e9 + small noise matches numpy (no sum of squares)."""
    data = 1e9 + np.array([0.5, -1.0, 2.0, 0.25, -0.75])
    rs = lab.RunningStats()
    for v in data[:2]:
        rs.update(float(v))
    rs.update_batch(data[2:])
    assert_close(float(rs.variance()), float(np.var(data)), atol=0, rtol=1e-6, what="running variance")


def test_errors(lab):
    """A few of the documented ValueErrors."""
    with pytest.raises(ValueError):
        lab.psi([], [1.0])
    with pytest.raises(ValueError):
        lab.ks_test([1.0], [2.0], "both")
    with pytest.raises(ValueError):
        lab.kl_divergence([1.0, -1.0], [1.0, 1.0])
