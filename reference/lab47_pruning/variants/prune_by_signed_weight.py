"""Unstructured pruning ranks the signed weights instead of their magnitudes."""


def l1_unstructured_mask(weight, amount, mask=None):
    if mask is None:
        mask = torch.ones(weight.shape, dtype=torch.bool)
    mask = mask.bool()
    if mask.shape != weight.shape:
        raise ValueError("mask shape differs from weight shape")
    remaining = weight.detach()[mask]
    k = _n_to_prune(amount, remaining.numel())
    new = mask.clone()
    new[mask] = _keep_mask(remaining, k)
    return new
