"""The loss is averaged over the examples (C * mean instead of C * sum): a different, weaker fit."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import numpy as _np

_reference_fit_lr = fit_logistic_regression


def fit_logistic_regression(X, y, *, C=1.0):
    n = _np.asarray(X).shape[0] if _np.ndim(X) == 2 else 1
    return _reference_fit_lr(X, y, C=C / n) if C > 0 else _reference_fit_lr(X, y, C=C)
