"""In the SDPA path, passes dropout_p to scaled_dot_product_attention whatever
`training` says, so EfficientMultiHeadAttention drops weights in eval mode too
(the explicit path is right)."""

_reference_attention_heads = attention_heads


def attention_heads(q, k, v, num_heads, **kwargs):
    if kwargs.get("use_sdpa") and not kwargs.get("need_weights"):
        kwargs["training"] = True
    return _reference_attention_heads(q, k, v, num_heads, **kwargs)
