"""Selects exactly round(mlm_probability * n) maskable tokens in every
sequence (a random subset of fixed size) instead of an independent Bernoulli
draw per token: the rate is right but the count never varies."""

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
    special = _special_set(special_ids, mask_id, pad_id)
    maskable = maskable_positions(input_ids, special, attention_mask, pad_id)
    g = torch.Generator().manual_seed(seed) if seed is not None else None
    rows = maskable.reshape(-1, maskable.shape[-1])
    selected = torch.zeros_like(rows)
    for r in range(rows.shape[0]):
        where = rows[r].nonzero().flatten()
        k = round(mlm_probability * len(where))
        selected[r, where[torch.randperm(len(where), generator=g)[:k]]] = True
    selected = selected.reshape(maskable.shape)
    labels = torch.where(selected, input_ids, IGNORE_INDEX)
    u = torch.rand(input_ids.shape, generator=g)
    masked = input_ids.clone()
    masked[selected & (u < mask_replace_prob)] = mask_id
    to_random = selected & (u >= mask_replace_prob) & (u < mask_replace_prob + random_replace_prob)
    candidates = torch.tensor([i for i in range(vocab_size) if i not in special])
    masked[to_random] = candidates[torch.randint(len(candidates), input_ids.shape, generator=g)][to_random]
    return masked, labels
