"""Returns grad_weight and grad_bias in x's dtype even when the weight has
another dtype (they belong to the weight)."""

_reference_layer_norm_backward = layer_norm_backward
_reference_rms_norm_backward = rms_norm_backward


def layer_norm_backward(grad_output, x, normalized_shape, weight=None, eps=LAYER_NORM_EPS):
    grad_x, grad_weight, grad_bias = _reference_layer_norm_backward(grad_output, x, normalized_shape, weight, eps)
    return grad_x, grad_weight.to(x.dtype), grad_bias.to(x.dtype)


def rms_norm_backward(grad_output, x, normalized_shape, weight=None, eps=None):
    grad_x, grad_weight = _reference_rms_norm_backward(grad_output, x, normalized_shape, weight, eps)
    return grad_x, grad_weight.to(x.dtype)
