"""collate_pairs builds the attention mask from the ids (id != pad_id), so a pad id inside a text is masked out."""


def collate_pairs(pairs, pad_id=0):
    if not pairs or not all(len(part) for pair in pairs for part in pair):
        raise ValueError("need at least one pair, and no empty prompt or response")
    rows = [list(p) + list(c) for p, c, _ in pairs] + [list(p) + list(r) for p, _, r in pairs]
    width = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    for i, row in enumerate(rows):
        input_ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    prompt_lengths = torch.tensor([len(p) for p, _, _ in pairs] * 2, dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": (input_ids != pad_id).long(), "prompt_lengths": prompt_lengths}
