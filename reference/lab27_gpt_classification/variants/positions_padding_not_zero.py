"""position_ids_from_mask gives padded positions the running count instead of 0 (cumsum - 1, clamped)."""


def position_ids_from_mask(attention_mask):
    real = (attention_mask != 0).long()
    return (real.cumsum(dim=1) - 1).clamp(min=0)
