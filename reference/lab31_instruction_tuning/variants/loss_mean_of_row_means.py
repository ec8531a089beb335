"""masked_lm_loss averages each row's mean loss, so a row with few learned tokens weighs as much as a long one."""


def masked_lm_loss(logits, labels):
    targets = labels[:, 1:]
    if not (targets != IGNORE_INDEX).any():
        raise ValueError("no label")
    per_row = []
    for b in range(len(labels)):
        if (targets[b] != IGNORE_INDEX).any():
            per_row.append(F.cross_entropy(logits[b, :-1], targets[b], ignore_index=IGNORE_INDEX))
    return torch.stack(per_row).mean()
