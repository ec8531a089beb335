"""The attention mask marks the padding as real tokens (all ones)."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    batch = _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
    batch["attention_mask"] = torch.ones_like(batch["attention_mask"])
    return batch
