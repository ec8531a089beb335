"""Computes the ridge point as bandwidth / peak (bytes per FLOP) instead of FLOPs per byte."""


def ridge_point(peak_flops, peak_bandwidth):
    if peak_flops <= 0 or peak_bandwidth <= 0:
        raise ValueError("peaks must be positive")
    return peak_bandwidth / peak_flops
