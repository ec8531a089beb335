"""Skip-gram that uses the input matrix for the output ("context") vectors
too, instead of a separate output matrix."""


def sgns_loss(w_in, w_out, centers, contexts, negatives):
    v = w_in[centers]
    positive = (w_in[contexts] * v).sum(-1)
    negative = torch.einsum("bkd,bd->bk", w_in[negatives], v)
    return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(-1)).mean()


def sgns_step(w_in, w_out, centers, contexts, negatives, lr):
    w = w_in.detach().clone().requires_grad_(True)
    sgns_loss(w, None, centers, contexts, negatives).backward()
    return (w - lr * w.grad).detach(), w_out.detach().clone()
