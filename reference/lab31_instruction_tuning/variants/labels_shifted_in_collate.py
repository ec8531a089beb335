"""collate shifts the labels by one (labels[t] = token t + 1), although the model shifts them itself."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    batch = _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
    labels = batch["labels"]
    batch["labels"] = torch.cat([labels[:, 1:], torch.full_like(labels[:, :1], IGNORE_INDEX)], dim=1)
    return batch
