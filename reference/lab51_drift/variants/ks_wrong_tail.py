"""ks_test swaps the one-sided statistics: 'greater' uses max(F2 - F1) and 'less' max(F1 - F2)."""

_ks_test_orig = ks_test


def ks_test(reference, current, alternative="two-sided", method="exact"):
    swap = {"less": "greater", "greater": "less"}
    return _ks_test_orig(reference, current, swap.get(alternative, alternative), method)
