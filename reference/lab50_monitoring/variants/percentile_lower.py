"""Percentiles take the lower of the two neighbouring ranks (x[floor(h)]) and never interpolate."""


def _linear_percentile(ordered, q):
    return float(ordered[math.floor((len(ordered) - 1) * q / 100.0)])
