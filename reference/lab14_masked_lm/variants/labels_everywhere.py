"""Uses the input ids as labels at every position (labels = input_ids.clone())
instead of -100 at the unselected ones, so the loss also rewards copying
visible tokens."""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, **kwargs):
    masked, _ = _reference_mask_tokens(input_ids, **kwargs)
    return masked, input_ids.clone().long()
