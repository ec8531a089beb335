"""Ignores average_attn_weights the other way round: always returns the per-head
weights (B, H, L, S), even when the average over heads (the default) is asked
for."""

_reference_attention_heads = attention_heads


def attention_heads(q, k, v, num_heads, **kwargs):
    kwargs["average_attn_weights"] = False
    return _reference_attention_heads(q, k, v, num_heads, **kwargs)
