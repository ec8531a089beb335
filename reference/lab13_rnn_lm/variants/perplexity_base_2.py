"""Base confusion: 2 ** (mean NLL) with the NLL in nats (cross_entropy uses natural logs)."""


def perplexity(logits, targets):
    if tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError("targets do not match logits")
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), targets.reshape(-1))
    return 2.0 ** nll.item()
