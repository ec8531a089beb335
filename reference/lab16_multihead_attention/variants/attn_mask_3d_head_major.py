"""Unpacks a (B * H, L, S) attn_mask as if its entry h * B + b belonged to batch b,
head h (heads outer), instead of b * H + h (batch outer) as nn.MultiheadAttention."""

_reference_build_attention_mask = build_attention_mask


def build_attention_mask(batch_size, num_heads, query_len, key_len, *, attn_mask=None, key_padding_mask=None, is_causal=False, dtype=torch.float32):
    if attn_mask is not None and attn_mask.dim() == 3 and tuple(attn_mask.shape) == (batch_size * num_heads, query_len, key_len):
        attn_mask = attn_mask.view(num_heads, batch_size, query_len, key_len).transpose(0, 1).reshape(-1, query_len, key_len)
    return _reference_build_attention_mask(
        batch_size, num_heads, query_len, key_len, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, dtype=dtype
    )
