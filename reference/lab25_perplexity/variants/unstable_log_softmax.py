"""log-softmax written as ``log(exp(x) / sum(exp(x)))`` in the logits' dtype: overflows for large logits."""


def sum_nll(logits, labels):
    if logits.dim() != 3 or logits.shape[:2] != labels.shape:
        raise ValueError("shapes do not fit")
    logits, targets = logits[:, :-1], labels[:, 1:]
    kept = targets != IGNORE_INDEX
    probs = torch.exp(logits) / torch.exp(logits).sum(-1, keepdim=True)
    picked = probs[kept].gather(-1, targets[kept][:, None])
    return float(-torch.log(picked).double().sum()), int(kept.sum())
