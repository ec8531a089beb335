"""2:4 breaks ties towards the higher column index."""


def two_four_mask(weight):
    if weight.dim() != 2 or weight.shape[1] % 4 != 0:
        raise ValueError("weight must be 2-D with a number of columns divisible by 4")
    groups = weight.detach().abs().reshape(weight.shape[0], -1, 4).flip(-1)
    order = torch.argsort(-groups, dim=-1, stable=True)
    keep = torch.zeros(groups.shape, dtype=torch.bool)
    keep.scatter_(-1, order[..., :2], True)
    return keep.flip(-1).reshape(weight.shape)
