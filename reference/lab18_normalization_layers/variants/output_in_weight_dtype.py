"""Lets type promotion decide the output dtype (x * weight): a float32 weight
on bfloat16 inputs gives a float32 result instead of x's bfloat16."""

_reference_layer_norm_forward = layer_norm_forward
_reference_rms_norm_forward = rms_norm_forward


def layer_norm_forward(x, normalized_shape, weight=None, bias=None, eps=LAYER_NORM_EPS):
    y = _reference_layer_norm_forward(x, normalized_shape, weight, bias, eps)
    return y if weight is None else y.to(torch.promote_types(x.dtype, weight.dtype))


def rms_norm_forward(x, normalized_shape, weight=None, eps=None):
    y = _reference_rms_norm_forward(x, normalized_shape, weight, eps)
    return y if weight is None else y.to(torch.promote_types(x.dtype, weight.dtype))
