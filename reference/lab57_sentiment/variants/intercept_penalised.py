"""The L2 penalty also shrinks the intercept (scikit-learn's lbfgs leaves it unpenalised)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import numpy as _np


def _objective(params, X, signs, C):
    w, b = params[:-1], params[-1]
    margins = signs * (X @ w + b)
    loss = 0.5 * params @ params + C * _np.logaddexp(0.0, -margins).sum()
    weights = -C * signs * _np.exp(-_np.logaddexp(0.0, margins))
    grad = _np.concatenate([w + X.T @ weights, [weights.sum() + b]])
    return float(loss), grad


def _hessian_product(params, v, X, signs, C):
    w, b = params[:-1], params[-1]
    p = _np.exp(-_np.logaddexp(0.0, -signs * (X @ w + b)))
    t = C * p * (1.0 - p) * (X @ v[:-1] + v[-1])
    return _np.concatenate([v[:-1] + X.T @ t, [t.sum() + v[-1]]])
