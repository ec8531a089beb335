"""Percentiles by the nearest-rank method (x[ceil(q n / 100) - 1]) instead of numpy's linear interpolation."""


def _linear_percentile(ordered, q):
    rank = max(math.ceil(q / 100.0 * len(ordered)), 1)
    return float(ordered[rank - 1])
