"""Truncation cuts the row after the special tokens are added, so a long text loses its [SEP]."""


def encode_batch(tokenizer, texts, *, max_length=128):
    if len(texts) == 0 or max_length < 2:
        raise ValueError("bad arguments")
    rows = [tokenizer.encode(t).ids[:max_length] for t in texts]
    width = max(len(r) for r in rows)
    return {
        "input_ids": torch.tensor([r + [0] * (width - len(r)) for r in rows], dtype=torch.long),
        "attention_mask": torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.long),
    }
