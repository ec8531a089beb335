"""encode_batch works on a copy but keeps the copy's own truncation and padding.

The caller's tokenizer is untouched, but settings it already had (here a
truncation to 5 tokens, a padding to 30) leak into the batch whenever the
call asks for no truncation or no padding; transformers switches them off.
"""


def encode_batch(tokenizer, texts, pairs=None, *, padding="longest", truncation="do_not_truncate", max_length=None,
                 stride=0, padding_side="right", pad_to_multiple_of=None, return_overflowing_tokens=False):
    if padding not in PADDING_STRATEGIES or truncation not in TRUNCATION_STRATEGIES or padding_side not in ("right", "left"):
        raise ValueError("unknown setting")
    if max_length is None and (padding == "max_length" or truncation != "do_not_truncate"):
        raise ValueError("max_length is needed")
    if padding != "do_not_pad" and truncation != "do_not_truncate" and pad_to_multiple_of and max_length % pad_to_multiple_of:
        raise ValueError("max_length must be a multiple of pad_to_multiple_of")
    if pairs is not None and len(pairs) != len(texts):
        raise ValueError("texts and pairs differ in length")
    work = Tokenizer.from_str(tokenizer.to_str())
    if truncation != "do_not_truncate":
        work.enable_truncation(max_length, stride=stride, strategy=truncation)
    if padding != "do_not_pad":
        work.enable_padding(direction=padding_side, pad_id=0, pad_token=PAD_TOKEN,
                            length=max_length if padding == "max_length" else None, pad_to_multiple_of=pad_to_multiple_of)
    encodings = work.encode_batch(list(texts) if pairs is None else list(zip(texts, pairs)))
    rows, sample = [], []
    for index, encoding in enumerate(encodings):
        for row in [encoding, *(encoding.overflowing if return_overflowing_tokens else [])]:
            rows.append(row)
            sample.append(index)
    result = {
        "input_ids": [list(r.ids) for r in rows],
        "token_type_ids": [list(r.type_ids) for r in rows],
        "attention_mask": [list(r.attention_mask) for r in rows],
        "special_tokens_mask": [list(r.special_tokens_mask) for r in rows],
        "offset_mapping": [[tuple(o) for o in r.offsets] for r in rows],
    }
    if return_overflowing_tokens:
        result["overflow_to_sample_mapping"] = sample
    return result
