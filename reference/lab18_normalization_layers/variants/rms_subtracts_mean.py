"""RMSNorm that centres its input first (``x - mean``), which turns it into a
LayerNorm without bias; the backward is the correct RMSNorm one."""


def rms_norm_forward(x, normalized_shape, weight=None, eps=None):
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight)
    cdt = _compute_dtype(x.dtype)
    dims = _dims(shape)
    xc = x.to(cdt)
    xc = xc - xc.mean(dim=dims, keepdim=True)
    rstd = torch.rsqrt(xc.square().mean(dim=dims, keepdim=True) + _rms_eps(eps, cdt))
    y = xc * rstd
    if weight is not None:
        y = y * weight.to(cdt)
    return y.to(x.dtype)
