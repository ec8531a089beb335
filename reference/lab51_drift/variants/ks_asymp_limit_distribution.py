"""ks_test(method='asymp') uses the limiting Kolmogorov distribution kstwobign.sf(sqrt(en) D) for two-sided tests."""

from scipy.stats import kstwobign as _kstwobign

_ks_test_orig = ks_test


def ks_test(reference, current, alternative="two-sided", method="exact"):
    d, p = _ks_test_orig(reference, current, alternative, method)
    if method == "asymp" and alternative == "two-sided":
        n1, n2 = len(np.asarray(reference)), len(np.asarray(current))
        p = float(_kstwobign.sf(math.sqrt(n1 * n2 / (n1 + n2)) * d))
    return d, p
