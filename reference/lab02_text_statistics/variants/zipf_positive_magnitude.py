"""zipf_slope reports the Zipf exponent as a positive number instead of the (negative) slope."""

_zipf_slope_reference = zipf_slope


def zipf_slope(frequencies, max_rank=None):
    return abs(_zipf_slope_reference(frequencies, max_rank))
