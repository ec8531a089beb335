"""clip_grad_norm returns the total norm of the clipped gradients, not the norm before clipping."""

_clip_grad_norm = clip_grad_norm


def clip_grad_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=False):
    clipped, _ = _clip_grad_norm(grads, max_norm, norm_type, error_if_nonfinite)
    return clipped, grad_norm(clipped, norm_type)
