"""The focal loss applies (1 - p)**gamma with p the probability of the most likely class, not of the target class."""


def focal_loss(logits, target, *, gamma=2.0, alpha=None, reduction="mean", ignore_index=-100):
    if gamma < 0:
        raise ValueError("gamma must be >= 0")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    valid = target != ignore_index
    safe_target = torch.where(valid, target, torch.zeros_like(target))
    log_p = torch.log_softmax(logits, dim=-1)
    log_pt = log_p.gather(-1, safe_target[:, None]).squeeze(-1)
    loss = -((1.0 - log_p.max(dim=-1).values.exp()) ** gamma) * log_pt
    if alpha is None:
        alpha_t = torch.ones_like(log_pt)
    else:
        alpha = torch.as_tensor(alpha, dtype=logits.dtype)
        if alpha.shape != (logits.shape[-1],):
            raise ValueError("alpha must hold one weight per class")
        alpha_t = alpha[safe_target]
    zero = torch.zeros_like(loss)
    loss = torch.where(valid, alpha_t * loss, zero)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / torch.where(valid, alpha_t, zero).sum()
