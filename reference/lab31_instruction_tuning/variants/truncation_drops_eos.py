"""Truncation cuts the row (tokens + end-of-text) to max_length, so a truncated row loses its end-of-text."""


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    if not examples:
        raise ValueError("need at least one example")
    if max_length is not None and max_length < 1:
        raise ValueError("max_length")
    rows = []
    for example in examples:
        ids = list(example["input_ids"])
        p = example["prompt_length"]
        if not 0 <= p <= len(ids):
            raise ValueError("prompt_length")
        tokens = ids + [eos_id]
        labels = ([IGNORE_INDEX] * p + ids[p:] if mask_prompt else ids) + [eos_id]
        if max_length is not None:
            tokens, labels = tokens[:max_length], labels[:max_length]
        rows.append((tokens, labels))
    width = max(len(t) for t, _ in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    out_labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    for b, (tokens, labels) in enumerate(rows):
        input_ids[b, : len(tokens)] = torch.tensor(tokens)
        attention_mask[b, : len(tokens)] = 1
        out_labels[b, : len(tokens)] = torch.tensor(labels)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": out_labels}
