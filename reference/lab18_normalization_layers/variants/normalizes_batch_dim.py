"""LayerNorm that computes its statistics over the first (batch) dimension, as
batch norm does, instead of over the trailing normalized_shape dimensions."""


def layer_norm_forward(x, normalized_shape, weight=None, bias=None, eps=LAYER_NORM_EPS):
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight, bias=bias)
    cdt = _compute_dtype(x.dtype)
    xc = x.to(cdt)
    centred = xc - xc.mean(dim=0, keepdim=True)
    y = centred * torch.rsqrt(centred.square().mean(dim=0, keepdim=True) + eps)
    if weight is not None:
        y = y * weight.to(cdt)
    if bias is not None:
        y = y + bias.to(cdt)
    return y.to(x.dtype)
