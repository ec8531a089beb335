"""Hands a bool src_mask to SDPA unchanged, reading it as True = may attend
(SDPA's convention) instead of torch's True = may NOT attend."""


def _sdpa_mask(attn_mask, key_padding_mask, batch, num_heads):
    mask = None
    if attn_mask is not None:
        if attn_mask.dim() == 3:
            attn_mask = attn_mask.view(batch, num_heads, *attn_mask.shape[-2:])
        mask = attn_mask
    if key_padding_mask is not None:
        keep = ~key_padding_mask[:, None, None, :]
        if mask is None:
            mask = keep
        elif mask.dtype == torch.bool:
            mask = mask & keep
        else:
            mask = mask.masked_fill(~keep, float("-inf"))
    return mask
