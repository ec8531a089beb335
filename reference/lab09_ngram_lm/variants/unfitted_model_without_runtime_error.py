"""An unfitted model fails with whatever error its empty state gives, not RuntimeError.

``vocabulary()`` and ``lookup`` check nothing: before ``fit`` they raise
``TypeError`` (sorting / testing membership in None) instead of the
documented ``RuntimeError``.
"""


def _require_fitted_nothing(self):
    return None


NgramLM._require_fitted = _require_fitted_nothing
