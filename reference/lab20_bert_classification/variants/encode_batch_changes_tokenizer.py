"""encode_batch enables truncation and padding on the caller's tokenizer itself, so the settings stick."""


def encode_batch(tokenizer, texts, *, max_length=128):
    if len(texts) == 0 or max_length < 2:
        raise ValueError("bad arguments")
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(PAD_TOKEN), pad_token=PAD_TOKEN)
    encodings = tokenizer.encode_batch(list(texts))
    return {
        "input_ids": torch.tensor([e.ids for e in encodings], dtype=torch.long),
        "attention_mask": torch.tensor([e.attention_mask for e in encodings], dtype=torch.long),
    }
