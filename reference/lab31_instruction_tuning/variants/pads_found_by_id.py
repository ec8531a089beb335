"""Padding is found from the ids (== pad_id) rather than by position: with pad_id == eos_id the end-of-text is masked too."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    batch = _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
    is_pad = batch["input_ids"] == pad_id
    batch["labels"] = batch["labels"].masked_fill(is_pad, IGNORE_INDEX)
    batch["attention_mask"] = (~is_pad).long()
    return batch
