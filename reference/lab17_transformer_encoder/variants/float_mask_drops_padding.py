"""With a float attention mask, the key padding mask given with it is
dropped (each mask alone, and a bool mask with padding, are right)."""

_reference_sdpa_mask = _sdpa_mask


def _sdpa_mask(attn_mask, key_padding_mask, batch, num_heads):
    if attn_mask is not None and attn_mask.dtype != torch.bool:
        key_padding_mask = None
    return _reference_sdpa_mask(attn_mask, key_padding_mask, batch, num_heads)
