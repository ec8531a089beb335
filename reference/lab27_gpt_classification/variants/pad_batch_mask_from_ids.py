"""pad_batch builds the mask from the ids (id != pad_id), so a pad_id inside a sequence (eos used as pad) is masked out."""


def pad_batch(sequences, pad_id, *, side="right"):
    if side not in PADDING_SIDES:
        raise ValueError(f"side must be one of {PADDING_SIDES}, got {side!r}")
    if not sequences or not all(len(seq) for seq in sequences):
        raise ValueError("need at least one sequence, and no empty sequence")
    width = max(len(seq) for seq in sequences)
    rows = [list(seq) + [pad_id] * (width - len(seq)) if side == "right" else [pad_id] * (width - len(seq)) + list(seq) for seq in sequences]
    input_ids = torch.tensor(rows, dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": (input_ids != pad_id).long()}
