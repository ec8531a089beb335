"""last_token_index is off by one: it returns the position just after the last real token (clamped to the row)."""


def last_token_index(attention_mask):
    real = attention_mask != 0
    if not real.any(dim=1).all():
        raise ValueError("every row needs at least one real token")
    positions = torch.arange(real.shape[1])
    return (torch.where(real, positions, -1).amax(dim=1) + 1).clamp(max=real.shape[1] - 1)
