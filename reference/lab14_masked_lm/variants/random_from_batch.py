"""Takes random replacements from the tokens of the batch itself (a shuffle
of the maskable tokens) instead of uniformly from the vocabulary: frequent
words are drawn far more often than rare ones."""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, *, mask_id, vocab_size, special_ids, attention_mask=None, pad_id=None,
                mlm_probability=MLM_PROBABILITY, mask_replace_prob=MASK_REPLACE_PROB,
                random_replace_prob=RANDOM_REPLACE_PROB, seed=None):
    masked, labels = _reference_mask_tokens(input_ids, mask_id=mask_id, vocab_size=vocab_size, special_ids=special_ids,
                                            attention_mask=attention_mask, pad_id=pad_id, mlm_probability=mlm_probability,
                                            mask_replace_prob=mask_replace_prob, random_replace_prob=random_replace_prob, seed=seed)
    input_ids = input_ids.long()
    special = _special_set(special_ids, mask_id, pad_id)
    pool = input_ids[maskable_positions(input_ids, special, attention_mask, pad_id)]
    changed = (labels != IGNORE_INDEX) & (masked != mask_id) & (masked != input_ids)
    if len(pool):
        g = torch.Generator().manual_seed(seed + 7) if seed is not None else None
        masked[changed] = pool[torch.randint(len(pool), (int(changed.sum()),), generator=g)]
    return masked, labels
