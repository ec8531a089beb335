"""attention_flops checks the sizes with `< 0` instead of `< 1`: a size of 0
gives 0 FLOPs (or a ZeroDivisionError for 0 heads) instead of ValueError."""


def attention_flops(batch_size, query_len, key_len, d_model, num_heads):
    B, L, S, D, H = batch_size, query_len, key_len, d_model, num_heads
    if min(B, L, S, D, H) < 0:
        raise ValueError("all sizes must be non-negative")
    if D % H:
        raise ValueError(f"d_model={D} is not divisible by num_heads={H}")
    head_dim = D // H
    return 2 * B * L * D * D + 2 * (2 * B * S * D * D) + 2 * B * L * D * D + 2 * (2 * B * H * L * S * head_dim)
