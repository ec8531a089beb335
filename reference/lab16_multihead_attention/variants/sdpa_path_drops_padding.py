"""In the SDPA path, passes only attn_mask / is_causal to scaled_dot_product_attention
and forgets the key padding mask (the explicit path is right)."""

_reference_attention_heads = attention_heads


def attention_heads(q, k, v, num_heads, **kwargs):
    if kwargs.get("use_sdpa") and not kwargs.get("need_weights"):
        kwargs.pop("key_padding_mask", None)
    return _reference_attention_heads(q, k, v, num_heads, **kwargs)
