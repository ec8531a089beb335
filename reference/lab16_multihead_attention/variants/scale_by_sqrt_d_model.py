"""Scales the scores by 1/sqrt(d_model) instead of 1/sqrt(head_dim) in the explicit
attention path (the SDPA path keeps SDPA's default, which is right)."""

_reference_attention_heads = attention_heads


def attention_heads(q, k, v, num_heads, **kwargs):
    if kwargs.get("use_sdpa") and not kwargs.get("need_weights"):
        return _reference_attention_heads(q, k, v, num_heads, **kwargs)
    # 1/sqrt(D) = 1/sqrt(H * head_dim): shrink q by 1/sqrt(H) on top of the right scale
    return _reference_attention_heads(q / math.sqrt(num_heads), k, v, num_heads, **kwargs)
