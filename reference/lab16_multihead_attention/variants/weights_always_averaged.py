"""Ignores average_attn_weights: always returns the weights averaged over the
heads, (B, L, S), even when per-head weights (B, H, L, S) are asked for."""

_reference_attention_heads = attention_heads


def attention_heads(q, k, v, num_heads, **kwargs):
    kwargs["average_attn_weights"] = True
    return _reference_attention_heads(q, k, v, num_heads, **kwargs)
