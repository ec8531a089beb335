"""The epsilon is computed as 2**-(m + 1) (half the gap between 1 and the next value)."""

_original_format_info = format_info


def format_info(exponent_bits, mantissa_bits, has_inf=True):
    info = _original_format_info(exponent_bits, mantissa_bits, has_inf)
    info["eps"] = math.ldexp(1.0, -mantissa_bits - 1)
    return info
