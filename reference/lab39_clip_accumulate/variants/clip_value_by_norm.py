"""clip_grad_value rescales the gradients to a global norm of clip_value instead of clamping each entry."""


def clip_grad_value(grads, clip_value):
    clip_value = float(clip_value)
    if not clip_value >= 0.0:
        raise ValueError("bad clip_value")
    return clip_grad_norm(grads, clip_value)[0]
