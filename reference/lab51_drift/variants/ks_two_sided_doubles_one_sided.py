"""ks_test's exact two-sided p-value is twice the one-sided one (a common approximation, not scipy's exact value)."""

_ks_test_orig = ks_test


def ks_test(reference, current, alternative="two-sided", method="exact"):
    if alternative == "two-sided" and method == "exact":
        d, _ = _ks_test_orig(reference, current, "two-sided", method)
        x, y = _sample(reference, "reference"), _sample(current, "current")
        lcm = x.size * y.size // math.gcd(x.size, y.size)
        return d, min(1.0, 2 * _ks_exact_sf(x.size, y.size, int(round(d * lcm)), False))
    return _ks_test_orig(reference, current, alternative, method)
