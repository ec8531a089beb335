"""Selects among all non-padding positions: the special_ids are ignored, so
[CLS], [SEP], [UNK] (and the declared extra specials) can be masked; only the
attention mask is respected."""


def maskable_positions(input_ids, special_ids, attention_mask=None, pad_id=None):
    maskable = torch.ones_like(input_ids, dtype=torch.bool)
    if attention_mask is not None:
        maskable &= attention_mask.bool()
    return maskable
