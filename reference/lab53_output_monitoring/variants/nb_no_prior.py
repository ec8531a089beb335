"""Naive Bayes without the class prior (as if both classes were equally frequent)."""

_fit_ok = HarmClassifier.fit


def _fit_no_prior(self, texts, labels):
    _fit_ok(self, texts, labels)
    self._log_prior = np.log(np.array([0.5, 0.5]))
    return self


HarmClassifier.fit = _fit_no_prior
