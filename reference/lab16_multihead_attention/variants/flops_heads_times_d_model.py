"""Counts the attention matmuls as if every head worked on all d_model features
(2 * L * S * D per head instead of 2 * L * S * head_dim), so the FLOPs wrongly
grow with the number of heads."""


def attention_flops(batch_size, query_len, key_len, d_model, num_heads):
    B, L, S, D, H = batch_size, query_len, key_len, d_model, num_heads
    if min(B, L, S, D, H) < 1:
        raise ValueError("all sizes must be positive")
    if D % H:
        raise ValueError("d_model is not divisible by num_heads")
    return 4 * B * L * D * D + 4 * B * S * D * D + 2 * (2 * B * H * L * S * D)
