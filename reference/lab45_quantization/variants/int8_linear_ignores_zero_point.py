"""int8_linear dequantizes the weight as q * scale, forgetting the zero points (right only when symmetric)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def int8_linear(x, weight_q, scale, zero_point, bias=None):
    if weight_q.dtype != torch.int8 or weight_q.dim() != 2:
        raise ValueError("weight_q must be a 2-D torch.int8 tensor")
    if scale.shape not in ((), (weight_q.shape[0],)) or zero_point.shape != scale.shape:
        raise ValueError("scale and zero_point must be 0-d or of shape (out,)")
    return torch.nn.functional.linear(x, weight_q.float() * scale.float().reshape(-1, 1), bias)
