"""Naive Bayes smoothing: (N_cw + alpha) / (N_c + alpha), forgetting the vocabulary size."""

_fit_ok = HarmClassifier.fit


def _fit_bad_smoothing(self, texts, labels):
    _fit_ok(self, texts, labels)
    y = np.asarray(labels).astype(int)
    x = self._counts(texts)
    counts = np.stack([x[y == c].sum(axis=0) for c in (0, 1)])
    self._log_prob = np.log(counts + self.alpha) - np.log(counts.sum(axis=1, keepdims=True) + self.alpha)
    return self


HarmClassifier.fit = _fit_bad_smoothing
