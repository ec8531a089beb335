"""Calls a kernel exactly at the ridge point memory-bound."""


def bound_by(intensity, peak_flops, peak_bandwidth):
    if intensity < 0:
        raise ValueError("intensity must be >= 0")
    return "memory" if intensity <= ridge_point(peak_flops, peak_bandwidth) else "compute"
