"""Treats every key_padding_mask as bool (mask.bool()): a float padding mask's
biases become -inf wherever they are non-zero instead of being added."""

_reference_build_attention_mask = build_attention_mask


def build_attention_mask(batch_size, num_heads, query_len, key_len, *, key_padding_mask=None, **kwargs):
    if key_padding_mask is not None:
        key_padding_mask = key_padding_mask.bool()
    return _reference_build_attention_mask(batch_size, num_heads, query_len, key_len, key_padding_mask=key_padding_mask, **kwargs)
