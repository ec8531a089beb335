"""Averages the cross-entropy over all positions, treating -100 labels as
contributing zero loss but still counting them in the mean (sum / numel)."""


def mlm_loss(logits, labels):
    flat_logits, flat_labels = logits.reshape(-1, logits.shape[-1]), labels.reshape(-1)
    losses = F.cross_entropy(flat_logits, flat_labels, ignore_index=IGNORE_INDEX, reduction="none")
    return losses.sum() / flat_labels.numel()
