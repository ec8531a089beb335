"""Reads the fused in_proj_weight / in_proj_bias rows in the order (k, q, v)
instead of nn.MultiheadAttention's (q, k, v)."""

_reference_mha_forward = multi_head_attention_forward


def _swap_first_two_blocks(t):
    if t is None:
        return None
    q, k, v = t.chunk(3)
    return torch.cat([k, q, v])


def multi_head_attention_forward(query, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, num_heads, **kwargs):
    return _reference_mha_forward(
        query,
        _swap_first_two_blocks(in_proj_weight),
        _swap_first_two_blocks(in_proj_bias),
        out_proj_weight,
        out_proj_bias,
        num_heads,
        **kwargs,
    )
