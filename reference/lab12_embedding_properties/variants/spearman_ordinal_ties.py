"""Ranks by argsort of argsort: tied values get distinct consecutive ranks (in
input order) instead of the average of the ranks they span."""


def _average_ranks(values):
    return np.argsort(np.argsort(values, kind="stable"), kind="stable") + 1.0
