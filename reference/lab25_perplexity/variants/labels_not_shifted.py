"""The labels are not shifted: the logits at position t are scored against the label at t (the current token)."""


def sum_nll(logits, labels):
    if logits.dim() != 3 or logits.shape[:2] != labels.shape:
        raise ValueError("shapes do not fit")
    total = F.cross_entropy(logits.flatten(0, 1).double(), labels.flatten(), ignore_index=IGNORE_INDEX, reduction="sum")
    return float(total), int((labels != IGNORE_INDEX).sum())
