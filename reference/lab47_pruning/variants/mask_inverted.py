"""The unstructured mask is inverted: True marks the pruned entries."""

_l1_orig = l1_unstructured_mask


def l1_unstructured_mask(weight, amount, mask=None):
    return ~_l1_orig(weight, amount, mask)
