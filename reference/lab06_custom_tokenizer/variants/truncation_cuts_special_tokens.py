"""Truncation by slicing the finished rows: ``ids[:max_length]`` cuts off the final [SEP].

The post-processor has already added [CLS] ... [SEP] when the row is cut,
so the cut removes [SEP] (and the second segment's tokens first, whatever
the strategy); overflowing rows are never produced.
"""

_correct_encode_batch = encode_batch


def encode_batch(tokenizer, texts, pairs=None, *, padding="longest", truncation="do_not_truncate", max_length=None,
                 stride=0, padding_side="right", pad_to_multiple_of=None, return_overflowing_tokens=False):
    if truncation not in TRUNCATION_STRATEGIES:
        raise ValueError(f"unknown truncation {truncation!r}")
    if truncation != "do_not_truncate" and max_length is None:
        raise ValueError("max_length is needed to truncate")
    if padding != "do_not_pad" and truncation != "do_not_truncate" and pad_to_multiple_of and max_length % pad_to_multiple_of:
        raise ValueError("max_length must be a multiple of pad_to_multiple_of")
    if truncation == "do_not_truncate":
        return _correct_encode_batch(tokenizer, texts, pairs, padding=padding, max_length=max_length,
                                     padding_side=padding_side, pad_to_multiple_of=pad_to_multiple_of)
    full = _correct_encode_batch(tokenizer, texts, pairs, padding="do_not_pad", padding_side=padding_side)
    cut = {key: [row[:max_length] for row in rows] for key, rows in full.items()}
    if padding == "do_not_pad":
        result = cut
    else:
        target = max_length if padding == "max_length" else max(len(row) for row in cut["input_ids"])
        if pad_to_multiple_of:
            target = -(-target // pad_to_multiple_of) * pad_to_multiple_of
        fill = {"input_ids": 0, "token_type_ids": 0, "attention_mask": 0, "special_tokens_mask": 1, "offset_mapping": (0, 0)}
        result = {}
        for key, rows in cut.items():
            padded = []
            for row in rows:
                extra = [fill[key]] * (target - len(row))
                padded.append(extra + row if padding_side == "left" else row + extra)
            result[key] = padded
    if return_overflowing_tokens:
        result["overflow_to_sample_mapping"] = list(range(len(texts)))
    return result
