"""masked_lm_loss compares the logits at position t with labels[t] (no shift)."""


def masked_lm_loss(logits, labels):
    if not (labels[:, 1:] != IGNORE_INDEX).any():
        raise ValueError("no label")
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE_INDEX)
