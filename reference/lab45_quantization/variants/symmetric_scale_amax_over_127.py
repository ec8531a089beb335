"""The symmetric scale is amax / 127 (a common textbook choice) instead of torch's amax / ((qmax - qmin) / 2)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def qparams_from_minmax(min_val, max_val, dtype="int8", symmetric=False):
    qmin, qmax = qrange(dtype)
    min_val, max_val = torch.as_tensor(min_val), torch.as_tensor(max_val)
    if min_val.shape != max_val.shape:
        raise ValueError("shapes differ")
    if bool((min_val > max_val).any()):
        raise ValueError("min_val must not exceed max_val")
    lo = torch.clamp(min_val.float(), max=0.0)
    hi = torch.clamp(max_val.float(), min=0.0)
    if symmetric:
        scale = torch.clamp(torch.maximum(-lo, hi) / ((qmax - qmin - 1) // 2), min=EPS)
        zero_point = torch.full(lo.shape, 0 if qmin < 0 else (qmax + 1) // 2, dtype=torch.int64)
    else:
        scale = torch.clamp((hi - lo) / float(qmax - qmin), min=EPS)
        zero_point = torch.clamp(qmin - torch.round(lo / scale).long(), qmin, qmax)
    return scale, zero_point
