"""The classifier builds its vocabulary on the first fit only; a second fit reuses it."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import numpy as _np


def _fit(self, texts, labels):
    if len(texts) != len(labels):
        raise ValueError("lengths differ")
    if any(label not in LABELS for label in labels):
        raise ValueError("bad label")
    y = _np.array([LABELS.index(label) for label in labels], dtype=_np.float64)
    if self.features.vocabulary_ is None:
        self.features.fit(texts)
    X = self.features.transform(texts)
    self.coef_, self.intercept_ = fit_logistic_regression(X, y, C=self.C)
    return self


SentimentClassifier.fit = _fit
