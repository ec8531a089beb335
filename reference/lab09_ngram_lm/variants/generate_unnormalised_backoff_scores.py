"""generate draws with the raw scores as if they summed to 1.

It walks the vocabulary and takes the first word whose running total of
scores exceeds ``rng.random()``: right for probabilities, but stupid backoff
scores sum to more than 1, so words early in the vocabulary are drawn far
too often.
"""


def _generate_unnormalised(self, num_words, context=(), seed=0):
    self._require_fitted()
    if num_words < 0:
        raise ValueError(f"num_words must be >= 0, got {num_words}")
    rng = random.Random(seed)
    words = self.vocabulary()
    history = [BOS] * (self.order - 1) + list(context)
    generated = []
    while len(generated) < num_words:
        weights = [self.score(w, history[len(history) - (self.order - 1):]) for w in words]
        if not math.fsum(weights) > 0:
            raise ValueError("every word has score 0 after this context")
        r, total, word = rng.random() * min(1.0, math.fsum(weights)), 0.0, words[-1]
        for w, weight in zip(words, weights):
            total += weight
            if total > r:
                word = w
                break
        generated.append(word)
        history.append(word)
        if word == EOS:
            break
    return generated


NgramLM.generate = _generate_unnormalised
