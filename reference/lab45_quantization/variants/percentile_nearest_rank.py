"""Percentile calibration takes the nearest-rank value instead of interpolating linearly between neighbours."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def _quantile(values, q):
    ordered = values.sort().values
    return ordered[torch.round(q * (ordered.numel() - 1)).long()]
