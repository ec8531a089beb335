"""The focal loss forgets the alpha term: alpha only changes the mean's denominator, not the per-example losses."""


def focal_loss(logits, target, *, gamma=2.0, alpha=None, reduction="mean", ignore_index=-100):
    if gamma < 0:
        raise ValueError("gamma must be >= 0")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    valid = target != ignore_index
    safe_target = torch.where(valid, target, torch.zeros_like(target))
    log_pt = torch.log_softmax(logits, dim=-1).gather(-1, safe_target[:, None]).squeeze(-1)
    loss = torch.where(valid, -((1.0 - log_pt.exp()) ** gamma) * log_pt, torch.zeros_like(log_pt))
    if alpha is not None and len(alpha) != logits.shape[-1]:
        raise ValueError("alpha must hold one weight per class")
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / valid.sum()
