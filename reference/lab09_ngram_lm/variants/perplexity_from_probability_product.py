"""entropy multiplies the probabilities and takes the log at the end.

Right on short texts, but the product of thousands of probabilities
underflows to 0.0, so a long text gets an infinite entropy and perplexity.
"""


def _entropy_from_product(self, sentences):
    self._require_fitted()
    n = self.order
    grams = [
        tuple(padded[i : i + n])
        for padded in (pad_sentence(sentence, n) for sentence in sentences)
        for i in range(len(padded) - n + 1)
    ]
    if not grams:
        raise ValueError("the test text has no n-grams")
    product = 1.0
    for gram in grams:
        product *= self.score(gram[-1], gram[:-1])
    return -math.log2(product) / len(grams) if product > 0 else math.inf


NgramLM.entropy = _entropy_from_product
