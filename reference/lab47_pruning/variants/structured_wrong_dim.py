"""Structured pruning scores and prunes the slices of the other dimension (columns for dim=0)."""

_ln_orig = ln_structured_mask


def ln_structured_mask(weight, amount, n=2, dim=0):
    if not -weight.dim() <= dim < weight.dim():
        raise IndexError("dim out of range")
    dim = 1 if dim % weight.dim() == 0 else 0
    return _ln_orig(weight, amount, n, dim)
