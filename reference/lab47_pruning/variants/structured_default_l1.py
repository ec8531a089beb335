"""ln_structured_mask defaults to the L1 norm (n=1) instead of L2."""

_ln_orig = ln_structured_mask


def ln_structured_mask(weight, amount, n=1, dim=0):
    return _ln_orig(weight, amount, n, dim)
