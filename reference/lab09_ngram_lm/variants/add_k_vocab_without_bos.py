"""Add-k smoothing whose vocabulary size V leaves out <s> ("it is never
predicted, so it should not get probability mass"), while the spec (like
nltk) counts every vocabulary word, pads included, and <UNK>."""


def _add_k_vocab_without_bos_score(self, word, context=()):
    self._require_fitted()
    word, context = self.lookup(word), self._context(context)
    if self.smoothing in ("add_k", "laplace"):
        vocab_size = len(self._vocab - {BOS})
        return (self._counts[context + (word,)] + self.k) / (self._context_total[context] + self.k * vocab_size)
    return _original_score(self, word, context)


_original_score = NgramLM.score
NgramLM.score = _add_k_vocab_without_bos_score
