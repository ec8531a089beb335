"""silu calls torch.nn.functional.silu: right values, but the static check forbids the library's SiLU."""

import torch.nn.functional as _F


def silu(x):
    return _F.silu(x)
