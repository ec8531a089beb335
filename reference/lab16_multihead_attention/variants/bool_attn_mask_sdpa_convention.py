"""Reads a bool attn_mask with the convention of scaled_dot_product_attention and
lab 15 (True = may attend) instead of nn.MultiheadAttention's (True = may NOT
attend)."""

_reference_build_attention_mask = build_attention_mask


def build_attention_mask(batch_size, num_heads, query_len, key_len, *, attn_mask=None, key_padding_mask=None, is_causal=False, dtype=torch.float32):
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = ~attn_mask
    return _reference_build_attention_mask(
        batch_size, num_heads, query_len, key_len, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, dtype=dtype
    )
