"""Checks only that normalized_shape is non-empty, not that its sizes are
positive: a normalized size of 0 gives NaN instead of ValueError."""


def _validate(x, shape, **params):
    if len(shape) == 0:
        raise ValueError(f"normalized_shape must be non-empty, got {shape}")
    if x.dim() < len(shape) or tuple(x.shape[-len(shape):]) != shape:
        raise ValueError(f"the trailing dims of x {tuple(x.shape)} are not normalized_shape {shape}")
    for name, p in params.items():
        if p is not None and tuple(p.shape) != shape:
            raise ValueError(f"{name} has shape {tuple(p.shape)}, expected normalized_shape {shape}")
