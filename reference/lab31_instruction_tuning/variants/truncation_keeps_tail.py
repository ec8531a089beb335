"""Truncation keeps the LAST max_length - 1 tokens, cutting the start of the prompt instead of the end of the response."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    if max_length is not None and max_length >= 1:
        cut = []
        for e in examples:
            ids, p = list(e["input_ids"]), e["prompt_length"]
            if not 0 <= p <= len(ids):
                raise ValueError("prompt_length")
            drop = max(0, len(ids) + 1 - max_length)
            cut.append({"input_ids": ids[drop:], "prompt_length": max(0, p - drop)})
        examples = cut
    return _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
