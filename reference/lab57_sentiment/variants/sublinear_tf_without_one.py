"""Sublinear tf is ln(tf) instead of 1 + ln(tf): a feature seen once gets weight 0."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import math as _math

import numpy as _np


def _transform(self, texts):
    if self.vocabulary_ is None or self.idf_ is None:
        raise RuntimeError("TfidfFeatures is not fitted: call fit first")
    matrix = _np.zeros((len(texts), len(self.vocabulary_)), dtype=_np.float64)
    for row, text in enumerate(texts):
        for feature, count in Counter(self._features(text)).items():
            column = self.vocabulary_.get(feature)
            if column is not None:
                matrix[row, column] = _math.log(count) if self.sublinear_tf else count
    matrix *= self.idf_
    if self.norm is not None:
        norms = _np.sqrt((matrix**2).sum(axis=1)) if self.norm == "l2" else _np.abs(matrix).sum(axis=1)
        norms[norms == 0.0] = 1.0
        matrix /= norms[:, None]
    return matrix


TfidfFeatures.transform = _transform
