"""Splits heads with a bare reshape (..., L, D) -> (..., H, L, head_dim), without
transposing: each "head" then holds a mix of positions instead of one block of
features of every position."""


def split_heads(x, num_heads):
    *lead, length, d_model = x.shape
    if num_heads < 1 or d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    return x.reshape(*lead, num_heads, length, d_model // num_heads)
