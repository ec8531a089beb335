"""Applies the 80/10/10 replacement to every maskable token instead of only
the selected 15 %: the labels are right, but 80 % of the whole input becomes
[MASK]."""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, *, mask_id, vocab_size, special_ids, attention_mask=None, pad_id=None,
                mlm_probability=MLM_PROBABILITY, mask_replace_prob=MASK_REPLACE_PROB,
                random_replace_prob=RANDOM_REPLACE_PROB, seed=None):
    _, labels = _reference_mask_tokens(input_ids, mask_id=mask_id, vocab_size=vocab_size, special_ids=special_ids,
                                       attention_mask=attention_mask, pad_id=pad_id, mlm_probability=mlm_probability,
                                       mask_replace_prob=mask_replace_prob, random_replace_prob=random_replace_prob, seed=seed)
    maskable = maskable_positions(input_ids, _special_set(special_ids, mask_id, pad_id), attention_mask, pad_id)
    g = torch.Generator().manual_seed(seed + 1) if seed is not None else None
    u = torch.rand(input_ids.shape, generator=g)
    masked = input_ids.clone().long()
    masked[maskable & (u < mask_replace_prob)] = mask_id
    return masked, labels
