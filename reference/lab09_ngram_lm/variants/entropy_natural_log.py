"""Cross-entropy computed with the natural logarithm (nats) while perplexity
is still 2 ** entropy: both numbers are wrong (the spec measures bits)."""


def _entropy_natural_log(self, sentences):
    self._require_fitted()
    n = self.order
    grams = [
        tuple(padded[i : i + n])
        for padded in (pad_sentence(sentence, n) for sentence in sentences)
        for i in range(len(padded) - n + 1)
    ]
    if not grams:
        raise ValueError("the test text has no n-grams")
    scores = [self.score(gram[-1], gram[:-1]) for gram in grams]
    if 0.0 in scores:
        return math.inf
    return -math.fsum(math.log(p) for p in scores) / len(scores)


NgramLM.entropy = _entropy_natural_log
