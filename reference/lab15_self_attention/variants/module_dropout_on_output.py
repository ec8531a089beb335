"""SelfAttention applies dropout to the attention output (before out_proj)
instead of the attention weights: still only in training mode and still
unbiased, but it drops output features, not attention weights."""


def _forward(self, x, key_padding_mask=None, is_causal=False):
    attended = scaled_dot_product_attention(
        self.q_proj(x), self.k_proj(x), self.v_proj(x), is_causal=is_causal, key_padding_mask=key_padding_mask
    )
    return self.out_proj(torch.nn.functional.dropout(attended, p=self.dropout, training=self.training))


SelfAttention.forward = _forward
