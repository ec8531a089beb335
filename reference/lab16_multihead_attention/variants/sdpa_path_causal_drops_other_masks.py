"""In the SDPA path, a causal call passes only is_causal=True to
scaled_dot_product_attention and drops the key padding mask and attn_mask
given with it (each mask alone, and the explicit path, are right)."""

_reference_attention_heads = attention_heads


def attention_heads(q, k, v, num_heads, **kwargs):
    if kwargs.get("use_sdpa") and not kwargs.get("need_weights") and kwargs.get("is_causal"):
        kwargs.pop("key_padding_mask", None)
        kwargs.pop("attn_mask", None)
    return _reference_attention_heads(q, k, v, num_heads, **kwargs)
