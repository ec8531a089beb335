"""The loss is the mean of per-sequence mean losses, so the tokens of short targets weigh more."""


def seq2seq_loss(logits, labels):
    if logits.dim() != 3 or logits.shape[:2] != labels.shape:
        raise ValueError("shapes do not fit")
    counted = labels != IGNORE_INDEX
    if not counted.any():
        raise ValueError("every label is -100")
    per_token = F.cross_entropy(logits.transpose(1, 2), labels, ignore_index=IGNORE_INDEX, reduction="none")
    rows = counted.any(1)
    return (per_token.sum(1)[rows] / counted.sum(1)[rows]).mean()
