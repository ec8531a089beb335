"""Codes round halves up (floor(v + 0.5)) instead of to even, as torch.round does."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def _codes(x, scale, zero_point):
    return torch.floor(x.float() * (1.0 / scale.float()) + 0.5) + zero_point
