"""The window is applied only when decoding one token: a prompt longer than the window attends to everything."""

def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, window: int | None = None) -> torch.Tensor:
    new, total = q.shape[-2], k.shape[-2]
    if new > total:
        raise ValueError("more queries than keys")
    if window is not None and window < 1:
        raise ValueError("window must be >= 1")
    query_pos = torch.arange(total - new, total)[:, None]
    key_pos = torch.arange(total)[None, :]
    mask = key_pos <= query_pos
    if window is not None and new == 1:
        mask &= query_pos - key_pos < window
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
