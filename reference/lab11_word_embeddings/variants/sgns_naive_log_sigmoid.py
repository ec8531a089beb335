"""The skip-gram and CBOW losses use ``torch.log(torch.sigmoid(x))`` instead of
``logsigmoid``: the sigmoid underflows to 0 for scores below about -100
(float32) and the loss becomes inf."""


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    v = w_in[centers]
    positive = (w_out[contexts] * v).sum(-1)
    negative = torch.einsum("bkd,bd->bk", w_out[negatives], v)
    return -(torch.log(torch.sigmoid(positive)) + torch.log(torch.sigmoid(-negative)).sum(-1)).mean()


def cbow_loss(w_in, w_out, context_ids, context_mask, targets, negatives):
    mask = context_mask.to(w_in.dtype)
    n_real = mask.sum(-1)
    if bool((n_real == 0).any()):
        raise ValueError("every example needs at least one context word")
    h = (w_in[context_ids] * mask[..., None]).sum(1) / n_real[:, None]
    positive = (w_out[targets] * h).sum(-1)
    negative = torch.einsum("bkd,bd->bk", w_out[negatives], h)
    return -(torch.log(torch.sigmoid(positive)) + torch.log(torch.sigmoid(-negative)).sum(-1)).mean()
