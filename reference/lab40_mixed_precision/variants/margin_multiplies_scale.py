"""The margin multiplies the scale by 2**margin instead of dividing: less headroom, not more."""


def fp8_scale(amax, fmt="e4m3", margin=0):
    _, top, _ = _fp8(fmt)
    if margin < 0:
        raise ValueError("margin")
    amax = float(amax)
    if amax < 0:
        raise ValueError("amax")
    if amax == 0 or not math.isfinite(amax):
        return 1.0
    return top / amax * 2**margin
