"""Group-wise int4 groups are strided (columns g, g + n_groups, ...) by a wrong reshape, not consecutive columns."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def quantize_int4_groupwise(weight, group_size=128, symmetric=False):
    if weight.dim() != 2:
        raise ValueError("weight must be 2-D (out, in)")
    out, n_in = weight.shape
    if group_size < 2 or group_size % 2 or n_in % group_size:
        raise ValueError("bad group_size")
    dtype = "int4" if symmetric else "uint4"
    n_groups = n_in // group_size
    strided = weight.detach().float().reshape(out, group_size, n_groups).transpose(1, 2)
    lo, hi = torch.aminmax(strided, dim=-1)
    scale, zero_point = qparams_from_minmax(lo.reshape(-1), hi.reshape(-1), dtype, symmetric)
    scale, zero_point = scale.reshape(lo.shape), zero_point.reshape(lo.shape)
    qmin, qmax = qrange(dtype)
    groups = weight.detach().float().reshape(out, n_groups, group_size)
    codes = torch.clamp(_codes(groups, scale[..., None], zero_point[..., None]), qmin, qmax)
    return pack_int4(codes.long().reshape(out, n_in)), scale, zero_point
