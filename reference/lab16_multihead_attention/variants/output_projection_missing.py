"""Forgets the output projection in the functional form (and so in the fused and
efficient modules): the merged heads are returned as they are."""


def multi_head_attention_forward(query, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, num_heads, *, key=None, value=None, **kwargs):
    if (key is None) != (value is None):
        raise ValueError("give both key and value, or neither")
    if key is None:
        key = value = query
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
    q, k, v = F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)
    return attention_heads(q, k, v, num_heads, **kwargs)
