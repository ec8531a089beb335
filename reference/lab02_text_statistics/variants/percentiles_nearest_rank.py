"""summarize_lengths uses nearest-rank percentiles (sorted[ceil(p/100 * n) - 1]) instead of numpy's linear interpolation."""

import math as _math


def summarize_lengths(lengths):
    values = sorted(float(v) for v in lengths)
    if not values:
        raise ValueError("cannot summarize an empty sequence")
    n = len(values)

    def nearest_rank(p):
        return values[max(_math.ceil(p / 100 * n) - 1, 0)]

    return {
        "count": n,
        "min": values[0],
        "max": values[-1],
        "mean": sum(values) / n,
        "median": nearest_rank(50),
        "p10": nearest_rank(10),
        "p90": nearest_rank(90),
    }
