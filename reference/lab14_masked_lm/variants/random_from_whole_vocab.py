"""Draws random replacements from the whole vocabulary (like transformers'
collator), although this lab's contract excludes special ids: [MASK], [PAD],
[CLS] ... can be drawn."""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, *, mask_id, vocab_size, special_ids, attention_mask=None, pad_id=None,
                mlm_probability=MLM_PROBABILITY, mask_replace_prob=MASK_REPLACE_PROB,
                random_replace_prob=RANDOM_REPLACE_PROB, seed=None):
    for p in (mlm_probability, mask_replace_prob, random_replace_prob):
        if not 0 <= p <= 1:
            raise ValueError("probability out of range")
    if mask_replace_prob + random_replace_prob > 1:
        raise ValueError("mask_replace_prob + random_replace_prob > 1")
    input_ids = input_ids.long()
    maskable = maskable_positions(input_ids, _special_set(special_ids, mask_id, pad_id), attention_mask, pad_id)
    g = torch.Generator().manual_seed(seed) if seed is not None else None
    selected = maskable & (torch.rand(input_ids.shape, generator=g) < mlm_probability)
    labels = torch.where(selected, input_ids, IGNORE_INDEX)
    u = torch.rand(input_ids.shape, generator=g)
    masked = input_ids.clone()
    masked[selected & (u < mask_replace_prob)] = mask_id
    to_random = selected & (u >= mask_replace_prob) & (u < mask_replace_prob + random_replace_prob)
    masked[to_random] = torch.randint(vocab_size, input_ids.shape, generator=g)[to_random]
    return masked, labels
