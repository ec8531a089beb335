"""Add-k smoothing that adds k to the numerator but forgets k * V in the
denominator: (c(h w) + k) / (c(h) + k). The result is no longer a
probability distribution (it sums to far more than 1)."""


def _add_k_forgets_vocab_size_score(self, word, context=()):
    self._require_fitted()
    word, context = self.lookup(word), self._context(context)
    if self.smoothing in ("add_k", "laplace"):
        return (self._counts[context + (word,)] + self.k) / (self._context_total[context] + self.k)
    return _original_score(self, word, context)


_original_score = NgramLM.score
NgramLM.score = _add_k_forgets_vocab_size_score
