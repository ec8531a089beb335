"""Computes the context once, before the loop, and never updates it with the
generated words: every word is drawn as if it came right after the given
context (e.g. every word is a sentence-initial word)."""


def _generate_stale_context(self, num_words, context=(), seed=0):
    self._require_fitted()
    if num_words < 0:
        raise ValueError(f"num_words must be >= 0, got {num_words}")
    rng = random.Random(seed)
    words = self.vocabulary()
    history = [BOS] * (self.order - 1) + list(context)
    weights = [self.score(w, history[len(history) - (self.order - 1) :]) for w in words]
    generated = []
    while len(generated) < num_words:
        word = rng.choices(words, weights=weights)[0]
        generated.append(word)
        if word == EOS:
            break
    return generated


NgramLM.generate = _generate_stale_context
