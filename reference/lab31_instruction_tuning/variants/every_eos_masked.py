"""Every end-of-text is masked (labels -100 wherever the id is eos_id), so the model never learns to stop."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    batch = _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
    batch["labels"] = batch["labels"].masked_fill(batch["input_ids"] == eos_id, IGNORE_INDEX)
    return batch
