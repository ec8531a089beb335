"""Truncation cuts the text to max_length tokens and then appends the end-of-text: rows of max_length + 1."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    return _collate_ref(examples, pad_id, eos_id, max_length=None if max_length is None else max_length + 1,
                        mask_prompt=mask_prompt)
