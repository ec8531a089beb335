"""A fractional amount is rounded down (int(amount * n)) instead of round(amount * n)."""

import math as _math

_n_to_prune_orig = _n_to_prune


def _n_to_prune(amount, n):
    k = _n_to_prune_orig(amount, n)
    return _math.floor(amount * n) if isinstance(amount, float) else k
