"""collate pads on the LEFT (the padding side used for generation), not on the right."""

_collate_ref = collate


def collate(examples, pad_id=PAD_ID, eos_id=EOS_ID, *, max_length=None, mask_prompt=True):
    batch = _collate_ref(examples, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
    lengths = batch["attention_mask"].sum(dim=1)
    for key in batch:
        rows = []
        for row, n in zip(batch[key], lengths.tolist()):
            rows.append(torch.cat([row[n:], row[:n]]))
        batch[key] = torch.stack(rows)
    return batch
