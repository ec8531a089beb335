"""Codes use x / scale instead of torch's x * (1 / scale): the last bit differs, and values on a half round the other way."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def _codes(x, scale, zero_point):
    return torch.round(x.float() / scale.float()) + zero_point
