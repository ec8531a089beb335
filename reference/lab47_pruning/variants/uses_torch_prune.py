"""l1_unstructured_mask calls torch.nn.utils.prune (forbidden by the code check)."""

from torch.nn.utils import prune as _prune


def l1_unstructured_mask(weight, amount, mask=None):
    if mask is not None:
        if mask.shape != weight.shape:
            raise ValueError("mask shape differs from weight shape")
        remaining = weight.detach()[mask.bool()].abs()
        new = mask.bool().clone()
        new[mask.bool()] = _keep_mask(remaining, _n_to_prune(amount, remaining.numel()))
        return new
    _n_to_prune(amount, weight.numel())
    m = nn.Module()
    m.weight = nn.Parameter(weight.detach().clone())
    _prune.l1_unstructured(m, "weight", amount=amount)
    return m.weight_mask.bool()
