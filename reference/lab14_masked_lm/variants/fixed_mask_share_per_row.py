"""Replaces exactly round(0.8 * n) of the n selected tokens of each row by
[MASK] (a random subset of fixed size) instead of deciding per token: the
80/10/10 shares are right on average but the count never varies."""

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
    selected = maskable & (torch.rand(input_ids.shape, generator=g) < mlm_probability)
    labels = torch.where(selected, input_ids, IGNORE_INDEX)
    masked = input_ids.clone()
    flat_sel, flat_masked = selected.reshape(-1, input_ids.shape[-1]), masked.view(-1, input_ids.shape[-1])
    for r in range(flat_sel.shape[0]):
        where = flat_sel[r].nonzero().flatten()
        where = where[torch.randperm(len(where), generator=g)]
        n_mask = round(mask_replace_prob * len(where))
        n_random = round(random_replace_prob * len(where))
        flat_masked[r, where[:n_mask]] = mask_id
        if n_random and len(candidates):
            draws = candidates[torch.randint(len(candidates), (n_random,), generator=g)]
            flat_masked[r, where[n_mask : n_mask + n_random]] = draws
    return masked, labels
