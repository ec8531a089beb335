"""CBOW that sums the context vectors instead of averaging them, so the
hidden vector grows with the number of context words."""


def cbow_loss(w_in, w_out, context_ids, context_mask, targets, negatives):
    mask = context_mask.to(w_in.dtype)
    if bool((mask.sum(-1) == 0).any()):
        raise ValueError("every example needs at least one context word")
    h = (w_in[context_ids] * mask[..., None]).sum(1)
    positive = (w_out[targets] * h).sum(-1)
    negative = torch.einsum("bkd,bd->bk", w_out[negatives], h)
    return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(-1)).mean()
