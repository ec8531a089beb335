"""Perplexity as exp of the summed negative log-likelihood instead of its mean per token."""


def perplexity(logits, targets):
    if tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError("targets do not match logits")
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), targets.reshape(-1), reduction="sum")
    return math.exp(nll.item())
