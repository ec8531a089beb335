"""Passes the key padding mask to SDPA as it is: SDPA reads a bool mask as
True = may attend, so queries attend only to the padding."""


def _sdpa_mask(attn_mask, key_padding_mask, batch, num_heads):
    mask = None
    if attn_mask is not None:
        if attn_mask.dim() == 3:
            attn_mask = attn_mask.view(batch, num_heads, *attn_mask.shape[-2:])
        mask = ~attn_mask if attn_mask.dtype == torch.bool else attn_mask
    if key_padding_mask is not None:
        keep = key_padding_mask[:, None, None, :]
        if mask is None:
            mask = keep
        elif mask.dtype == torch.bool:
            mask = mask & keep
        else:
            mask = mask.masked_fill(~keep, float("-inf"))
    return mask
