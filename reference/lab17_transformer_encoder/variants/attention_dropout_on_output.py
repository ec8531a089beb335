"""MultiHeadSelfAttention applies its dropout to the attention output (before
out_proj) instead of the attention weights."""


def _mhsa_forward(self, x, attn_mask=None, key_padding_mask=None):
    batch, seq, _ = x.shape
    head_dim = self.d_model // self.num_heads
    qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
    q, k, v = qkv.view(batch, seq, 3, self.num_heads, head_dim).permute(2, 0, 3, 1, 4)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=_sdpa_mask(attn_mask, key_padding_mask, batch, self.num_heads))
    out = F.dropout(out, self.dropout, self.training)
    return self.out_proj(out.transpose(1, 2).reshape(batch, seq, self.d_model))


MultiHeadSelfAttention.forward = _mhsa_forward
