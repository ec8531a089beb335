"""encode normalizes the text first and encodes the normalized string.

The ids and tokens do not change (the normalizers are idempotent), but the
offsets now index the NORMALIZED text: after a character that normalization
expands ("ﬁ" -> "fi", "…" -> "...") or a case mapping that changes length,
``text[start:end]`` is no longer the token's original span.
"""


def encode(tokenizer, text, pair=None, *, add_special_tokens=True):
    if tokenizer.normalizer is not None:
        text = tokenizer.normalizer.normalize_str(text)
        pair = tokenizer.normalizer.normalize_str(pair) if pair is not None else None
    encoding = tokenizer.encode(text, pair, add_special_tokens=add_special_tokens)
    return {
        "ids": list(encoding.ids),
        "tokens": list(encoding.tokens),
        "type_ids": list(encoding.type_ids),
        "offsets": [(start, end) for start, end in encoding.offsets],
        "special_tokens_mask": list(encoding.special_tokens_mask),
        "attention_mask": list(encoding.attention_mask),
        "word_ids": list(encoding.word_ids),
    }
