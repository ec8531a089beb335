"""2:4 groups run along the output dimension (4 consecutive rows) instead of the inputs."""

_tf_orig = two_four_mask
_is_orig = is_two_four


def two_four_mask(weight):
    if weight.dim() != 2 or weight.shape[1] % 4 != 0:
        raise ValueError("weight must be 2-D with a number of columns divisible by 4")
    if weight.shape[0] % 4 != 0:
        return _tf_orig(weight)
    return _tf_orig(weight.t().contiguous()).t().contiguous()


def is_two_four(weight):
    if weight.dim() != 2 or weight.shape[1] % 4 != 0:
        raise ValueError("weight must be 2-D with a number of columns divisible by 4")
    if weight.shape[0] % 4 != 0:
        return _is_orig(weight)
    return _is_orig(weight.t().contiguous())
