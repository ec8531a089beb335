"""Tests ``if pad_id:`` instead of ``if pad_id is not None``: a padding id of
0 (the usual [PAD]) is treated as "no padding id", so padding that only the
id marks is selected."""


def maskable_positions(input_ids, special_ids, attention_mask=None, pad_id=None):
    if attention_mask is not None and attention_mask.shape != input_ids.shape:
        raise ValueError("attention_mask has another shape")
    special = {int(i) for i in special_ids}
    if pad_id:
        special.add(int(pad_id))
    maskable = ~torch.isin(input_ids, torch.tensor(sorted(special), dtype=input_ids.dtype))
    if attention_mask is not None:
        maskable &= attention_mask.bool()
    return maskable


def _special_set(special_ids, mask_id=None, pad_id=None):
    special = {int(i) for i in special_ids}
    special.update(int(i) for i in (mask_id, pad_id) if i)
    return special
