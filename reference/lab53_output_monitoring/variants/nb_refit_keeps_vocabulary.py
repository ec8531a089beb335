"""A second fit keeps the first fit's words in the vocabulary."""

_fit_ok = HarmClassifier.fit


def _fit_keep_vocab(self, texts, labels):
    old = [] if self._vocab is None else list(self._vocab)
    _fit_ok(self, texts, labels)
    words = sorted(set(old) | set(self._vocab))
    self._vocab = {w: i for i, w in enumerate(words)}
    y = np.asarray(labels).astype(int)
    x = self._counts(texts)
    smoothed = np.stack([x[y == c].sum(axis=0) for c in (0, 1)]) + self.alpha
    self._log_prob = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
    return self


HarmClassifier.fit = _fit_keep_vocab
