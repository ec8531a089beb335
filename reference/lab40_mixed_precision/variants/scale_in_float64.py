"""The scale is a Python float (float64): no rounding to float32, and growth past float32's range is taken."""


def _f32(value):
    return float(value)
