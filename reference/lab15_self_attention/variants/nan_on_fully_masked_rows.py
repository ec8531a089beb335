"""Stable softmax, but a slice that is entirely -inf gives NaN (-inf - -inf),
so fully masked query rows give NaN outputs and gradients."""


def softmax(x, dim=-1):
    exp = torch.exp(x - x.amax(dim=dim, keepdim=True).detach())
    return exp / exp.sum(dim=dim, keepdim=True)
