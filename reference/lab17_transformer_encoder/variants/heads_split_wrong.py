"""Splits the fused projection per head first, view(B, L, H, 3, head_dim),
as if in_proj_weight were laid out head by head, instead of as three blocks
[W_q; W_k; W_v] of d_model rows each (torch's layout)."""


def _mha_forward(self, x, attn_mask=None, key_padding_mask=None):
    batch, seq, _ = x.shape
    head_dim = self.d_model // self.num_heads
    qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
    q, k, v = qkv.view(batch, seq, self.num_heads, 3, head_dim).permute(3, 0, 2, 1, 4)
    out = F.scaled_dot_product_attention(
        q, k, v,
        attn_mask=_sdpa_mask(attn_mask, key_padding_mask, batch, self.num_heads),
        dropout_p=self.dropout if self.training else 0.0,
    )
    return self.out_proj(out.transpose(1, 2).reshape(batch, seq, self.d_model))


MultiHeadSelfAttention.forward = _mha_forward
