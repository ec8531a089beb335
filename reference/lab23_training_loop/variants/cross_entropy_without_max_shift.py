"""cross_entropy computes log(sum(exp(z))) without subtracting the maximum:
float32 logits of size 1e4 overflow to inf (or underflow to log 0)."""


def cross_entropy(logits, targets, ignore_index=-100, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("bad reduction")
    if logits.dim() < 1 or logits.shape[:-1] != targets.shape or logits.shape[-1] == 0:
        raise ValueError("shapes do not fit")
    counted = targets != ignore_index
    safe = torch.where(counted, targets, 0).long()
    if bool(((safe < 0) | (safe >= logits.shape[-1])).any()):
        raise ValueError("target out of range")
    log_normaliser = logits.exp().sum(dim=-1).log()
    picked = logits.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    losses = torch.where(counted, log_normaliser - picked, 0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / counted.sum()
