"""LayerNorm backward that treats the mean and the variance as constants:
``grad_x = rstd * grad_output * weight``, without the two projection terms
``- mean(g) - x_hat * mean(g * x_hat)``."""


def layer_norm_backward(grad_output, x, normalized_shape, weight=None, eps=LAYER_NORM_EPS):
    shape = _as_shape(normalized_shape)
    _validate(x, shape, weight=weight)
    cdt, dims = _compute_dtype(x.dtype), _dims(shape)
    gy = grad_output.to(cdt)
    centred, rstd = _layer_norm_stats(x.to(cdt), dims, eps)
    x_hat = centred * rstd
    g = gy * weight.to(cdt) if weight is not None else gy
    grad_x = rstd * g
    param_dtype = weight.dtype if weight is not None else x.dtype
    return grad_x.to(x.dtype), _sum_leading(gy * x_hat, shape).to(param_dtype), _sum_leading(gy, shape).to(param_dtype)
