"""The compound is computed as score / sqrt(score**2 + alpha): score**2 overflows for huge scores."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import math as _math


def normalize_score(score, alpha=ALPHA):
    if not (_math.isfinite(alpha) and alpha > 0):
        raise ValueError("alpha must be a finite number > 0")
    if _math.isnan(score):
        raise ValueError("score is NaN")
    if _math.isinf(score):
        return _math.copysign(1.0, score)
    return float(score / _math.sqrt(score * score + alpha))
