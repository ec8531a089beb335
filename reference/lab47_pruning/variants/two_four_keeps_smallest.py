"""2:4 keeps the two smallest magnitudes of each group instead of the two largest."""


def two_four_mask(weight):
    if weight.dim() != 2 or weight.shape[1] % 4 != 0:
        raise ValueError("weight must be 2-D with a number of columns divisible by 4")
    groups = weight.detach().abs().reshape(weight.shape[0], -1, 4)
    order = torch.argsort(groups, dim=-1, stable=True)
    keep = torch.zeros(groups.shape, dtype=torch.bool)
    keep.scatter_(-1, order[..., :2], True)
    return keep.reshape(weight.shape)
