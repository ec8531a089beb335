"""cross_entropy's mean divides by the number of all positions, skipped ones
included: padding dilutes the loss (and its gradient)."""


def cross_entropy(logits, targets, ignore_index=-100, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("bad reduction")
    if logits.dim() < 1 or logits.shape[:-1] != targets.shape or logits.shape[-1] == 0:
        raise ValueError("shapes do not fit")
    counted = targets != ignore_index
    safe = torch.where(counted, targets, 0).long()
    if bool(((safe < 0) | (safe >= logits.shape[-1])).any()):
        raise ValueError("target out of range")
    shifted = logits - logits.amax(dim=-1, keepdim=True).detach()
    losses = torch.where(counted, shifted.exp().sum(-1).log() - shifted.gather(-1, safe.unsqueeze(-1)).squeeze(-1), 0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / targets.numel()
