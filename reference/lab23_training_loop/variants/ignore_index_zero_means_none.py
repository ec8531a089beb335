"""cross_entropy tests ``if ignore_index:`` before masking, so
ignore_index=0 (a valid class id) skips nothing."""

_reference_cross_entropy = cross_entropy


def cross_entropy(logits, targets, ignore_index=-100, reduction="mean"):
    if not ignore_index:
        ignore_index = -(2**62)  # "no ignore index"
    return _reference_cross_entropy(logits, targets, ignore_index, reduction)
