"""cross_entropy takes the log of the (max-shifted, stable) softmax
probability of the target: a target 1e4 below the maximum has probability 0
in float32, and its loss becomes inf instead of about 1e4."""


def cross_entropy(logits, targets, ignore_index=-100, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("bad reduction")
    if logits.dim() < 1 or logits.shape[:-1] != targets.shape or logits.shape[-1] == 0:
        raise ValueError("shapes do not fit")
    counted = targets != ignore_index
    safe = torch.where(counted, targets, 0).long()
    if bool(((safe < 0) | (safe >= logits.shape[-1])).any()):
        raise ValueError("target out of range")
    e = (logits - logits.amax(dim=-1, keepdim=True)).exp()
    probs = e / e.sum(dim=-1, keepdim=True)
    losses = torch.where(counted, -probs.gather(-1, safe.unsqueeze(-1)).squeeze(-1).log(), 0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / counted.sum()
