"""A second round ranks every entry again (pruned ones included) and only then ANDs with the old mask."""


def l1_unstructured_mask(weight, amount, mask=None):
    if mask is None:
        mask = torch.ones(weight.shape, dtype=torch.bool)
    mask = mask.bool()
    if mask.shape != weight.shape:
        raise ValueError("mask shape differs from weight shape")
    k = _n_to_prune(amount, int(mask.sum()))
    return mask & _keep_mask(weight.detach().abs(), k)
