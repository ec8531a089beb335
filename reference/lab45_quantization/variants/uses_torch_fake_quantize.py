"""fake_quantize calls torch's fake-quantize functions (right results, but the code check forbids them)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def fake_quantize(x, scale, zero_point, dtype="int8", axis=None):
    qmin, qmax = qrange(dtype)
    s = _broadcast(scale, x, axis, torch.float32)
    z = _broadcast(zero_point, x, axis, torch.int64)
    if bool((s <= 0).any()):
        raise ValueError("scale must be positive")
    if axis is None:
        return torch.fake_quantize_per_tensor_affine(x, float(s), int(z), qmin, qmax)
    return torch.fake_quantize_per_channel_affine(x, s.reshape(-1), z.reshape(-1).int(), axis % x.dim(), qmin, qmax)
