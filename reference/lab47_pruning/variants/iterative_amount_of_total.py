"""Iterative pruning applies a fractional amount to all entries instead of the ones still unpruned."""


def l1_unstructured_mask(weight, amount, mask=None):
    if mask is None:
        mask = torch.ones(weight.shape, dtype=torch.bool)
    mask = mask.bool()
    if mask.shape != weight.shape:
        raise ValueError("mask shape differs from weight shape")
    remaining = weight.detach()[mask].abs()
    k = _n_to_prune(amount, weight.numel()) if isinstance(amount, float) else _n_to_prune(amount, remaining.numel())
    k = min(k, remaining.numel())
    new = mask.clone()
    new[mask] = _keep_mask(remaining, k)
    return new
