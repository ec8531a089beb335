"""The loss computes log-softmax as ``logits - log(sum(exp(logits)))`` without
subtracting the maximum first: exp overflows (or underflows) for logits of
magnitude ~100 and the loss becomes inf or NaN."""


def mlm_loss(logits, labels):
    flat_logits, flat_labels = logits.reshape(-1, logits.shape[-1]), labels.reshape(-1).long()
    keep = flat_labels != IGNORE_INDEX
    if not keep.any():
        return flat_logits.sum() * 0.0
    log_probs = flat_logits - torch.log(torch.exp(flat_logits).sum(-1, keepdim=True))
    picked = log_probs[keep].gather(1, flat_labels[keep][:, None])
    return -picked.mean()
