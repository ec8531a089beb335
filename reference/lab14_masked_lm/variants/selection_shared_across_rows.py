"""The selection draws one uniform number per *position of the sequence* and
broadcasts it over the batch, so every row is selected at the same positions:
the overall rate is right, but copies of a row are masked identically."""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, *, mask_id, vocab_size, special_ids, attention_mask=None, pad_id=None,
                mlm_probability=MLM_PROBABILITY, mask_replace_prob=MASK_REPLACE_PROB,
                random_replace_prob=RANDOM_REPLACE_PROB, seed=None):
    for p in (mlm_probability, mask_replace_prob, random_replace_prob):
        if not 0 <= p <= 1:
            raise ValueError("probability out of range")
    if mask_replace_prob + random_replace_prob > 1:
        raise ValueError("mask_replace_prob + random_replace_prob > 1")
    special = _special_set(special_ids, mask_id, pad_id)
    candidates = torch.tensor([i for i in range(vocab_size) if i not in special], dtype=torch.long)
    if random_replace_prob > 0 and len(candidates) == 0:
        raise ValueError("every id is special")
    input_ids = input_ids.long()
    maskable = maskable_positions(input_ids, special, attention_mask, pad_id)
    g = torch.Generator().manual_seed(seed) if seed is not None else None
    per_position = torch.rand(input_ids.shape[-1:], generator=g)
    selected = maskable & (per_position < mlm_probability)
    labels = torch.where(selected, input_ids, IGNORE_INDEX)
    u = torch.rand(input_ids.shape, generator=g)
    masked = input_ids.clone()
    masked[selected & (u < mask_replace_prob)] = mask_id
    to_random = selected & (u >= mask_replace_prob) & (u < mask_replace_prob + random_replace_prob)
    if len(candidates):
        masked[to_random] = candidates[torch.randint(len(candidates), input_ids.shape, generator=g)][to_random]
    return masked, labels
