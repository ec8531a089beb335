"""int8_linear is right but slow: a Python loop over the output channels, one dequantized row and one product each."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def int8_linear(x, weight_q, scale, zero_point, bias=None):
    if weight_q.dtype != torch.int8 or weight_q.dim() != 2:
        raise ValueError("weight_q must be a 2-D torch.int8 tensor")
    if scale.shape not in ((), (weight_q.shape[0],)) or zero_point.shape != scale.shape:
        raise ValueError("scale and zero_point must be 0-d or of shape (out,)")
    out = weight_q.shape[0]
    s = scale.float().expand(out)
    z = zero_point.float().expand(out)
    cols = []
    for o in range(out):
        row = (weight_q[o].float() - z[o]) * s[o]
        y = x @ row
        cols.append(y if bias is None else y + bias[o])
    return torch.stack(cols, dim=-1)
