"""amax = 0 or inf is not special-cased: a zero tensor divides by zero, an infinite peak gives scale 0."""


def fp8_scale(amax, fmt="e4m3", margin=0):
    _, top, _ = _fp8(fmt)
    if margin < 0:
        raise ValueError("margin")
    amax = float(amax)
    if amax < 0:
        raise ValueError("amax")
    if amax == 0:
        return math.inf
    return top / amax / 2**margin
