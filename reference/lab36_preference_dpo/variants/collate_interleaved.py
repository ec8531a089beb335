"""collate_pairs interleaves the rows (chosen 0, rejected 0, chosen 1, ...) instead of all chosen rows first."""


def collate_pairs(pairs, pad_id=0):
    if not pairs or not all(len(part) for pair in pairs for part in pair):
        raise ValueError("need at least one pair, and no empty prompt or response")
    rows = []
    for p, c, r in pairs:
        rows += [list(p) + list(c), list(p) + list(r)]
    width = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        input_ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        attention_mask[i, : len(row)] = 1
    prompt_lengths = torch.tensor([len(p) for p, _, _ in pairs for _ in range(2)], dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "prompt_lengths": prompt_lengths}
