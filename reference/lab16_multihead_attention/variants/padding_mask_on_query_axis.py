"""Broadcasts key_padding_mask over the query axis (key_padding_mask[:, None, :, None])
instead of the key axis: padded positions stop *asking* instead of stop being
*attended* (and the shapes only fit when L == S)."""

_reference_build_attention_mask = build_attention_mask


def build_attention_mask(batch_size, num_heads, query_len, key_len, *, attn_mask=None, key_padding_mask=None, is_causal=False, dtype=torch.float32):
    mask = _reference_build_attention_mask(
        batch_size, num_heads, query_len, key_len, attn_mask=attn_mask, is_causal=is_causal, dtype=dtype
    )
    if key_padding_mask is None:
        return mask
    if tuple(key_padding_mask.shape) != (batch_size, key_len):
        raise ValueError("key_padding_mask must be (B, S)")
    padding = _additive(key_padding_mask, dtype)[:, None, :, None]
    mask = padding if mask is None else mask + padding
    return mask.expand(batch_size, num_heads, query_len, key_len)
