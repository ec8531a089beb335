"""LayerNorm that adds eps to the standard deviation, ``(x - mean) / (sqrt(var) + eps)``,
instead of to the variance inside the square root."""


def layer_norm_forward(x, normalized_shape, weight=None, bias=None, eps=LAYER_NORM_EPS):
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight, bias=bias)
    cdt = _compute_dtype(x.dtype)
    dims = _dims(shape)
    xc = x.to(cdt)
    centred = xc - xc.mean(dim=dims, keepdim=True)
    std = centred.square().mean(dim=dims, keepdim=True).sqrt()
    y = centred / (std + eps)
    if weight is not None:
        y = y * weight.to(cdt)
    if bias is not None:
        y = y + bias.to(cdt)
    return y.to(x.dtype)
