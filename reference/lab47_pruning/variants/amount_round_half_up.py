"""A fractional amount is rounded half up (floor(amount * n + 0.5)) instead of Python's round (halves to even)."""

import math as _math

_n_to_prune_orig = _n_to_prune


def _n_to_prune(amount, n):
    k = _n_to_prune_orig(amount, n)
    return _math.floor(amount * n + 0.5) if isinstance(amount, float) else k
