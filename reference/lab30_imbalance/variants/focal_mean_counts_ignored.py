"""The focal loss's mean divides by every example (ignored targets included) instead of the non-ignored alpha_t."""


def focal_loss(logits, target, *, gamma=2.0, alpha=None, reduction="mean", ignore_index=-100):
    if gamma < 0:
        raise ValueError("gamma must be >= 0")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    valid = target != ignore_index
    safe_target = torch.where(valid, target, torch.zeros_like(target))
    log_pt = torch.log_softmax(logits, dim=-1).gather(-1, safe_target[:, None]).squeeze(-1)
    loss = -((1.0 - log_pt.exp()) ** gamma) * log_pt
    if alpha is None:
        alpha_t = torch.ones_like(log_pt)
    else:
        alpha = torch.as_tensor(alpha, dtype=logits.dtype)
        if alpha.shape != (logits.shape[-1],):
            raise ValueError("alpha must hold one weight per class")
        alpha_t = alpha[safe_target]
    loss = torch.where(valid, alpha_t * loss, torch.zeros_like(loss))
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean()
