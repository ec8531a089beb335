"""ks_test delegates to scipy.stats.ks_2samp, which the lab forbids (the no_library_tests code check)."""

from scipy.stats import ks_2samp as _ks_2samp


def ks_test(reference, current, alternative="two-sided", method="exact"):
    x, y = _sample(reference, "reference"), _sample(current, "current")
    if alternative not in ("two-sided", "less", "greater") or method not in ("exact", "asymp"):
        raise ValueError("bad option")
    res = _ks_2samp(x, y, alternative=alternative, method=method)
    return float(res.statistic), float(res.pvalue)
