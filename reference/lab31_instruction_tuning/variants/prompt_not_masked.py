"""The prompt tokens are left in the loss: mask_prompt is ignored and every real token is learned."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    examples = [{"input_ids": e["input_ids"], "prompt_length": e["prompt_length"]} for e in examples]
    for e in examples:
        if not 0 <= e["prompt_length"] <= len(e["input_ids"]):
            raise ValueError("bad prompt_length")
    return _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=False)
