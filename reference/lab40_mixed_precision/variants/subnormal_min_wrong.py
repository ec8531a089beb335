"""The smallest subnormal is computed as 2**(-bias - m) (the exponent of 0 read as 0 - bias)."""

_original_format_info = format_info


def format_info(exponent_bits, mantissa_bits, has_inf=True):
    info = _original_format_info(exponent_bits, mantissa_bits, has_inf)
    info["smallest_subnormal"] = math.ldexp(1.0, -info["bias"] - mantissa_bits)
    return info
