"""LayerNorm that applies the affine weight before normalising:
``normalize(x * weight) + bias`` instead of ``normalize(x) * weight + bias``."""


def layer_norm_forward(x, normalized_shape, weight=None, bias=None, eps=LAYER_NORM_EPS):
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight, bias=bias)
    cdt = _compute_dtype(x.dtype)
    xc = x.to(cdt)
    if weight is not None:
        xc = xc * weight.to(cdt)
    centred, rstd = _layer_norm_stats(xc, _dims(shape), eps)
    y = centred * rstd
    if bias is not None:
        y = y + bias.to(cdt)
    return y.to(x.dtype)
