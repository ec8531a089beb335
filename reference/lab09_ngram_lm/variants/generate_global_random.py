"""Samples with the global random module (random.choices) and ignores the
seed argument: the words change from call to call."""


def _generate_global_random(self, num_words, context=(), seed=0):
    self._require_fitted()
    if num_words < 0:
        raise ValueError(f"num_words must be >= 0, got {num_words}")
    words = self.vocabulary()
    history = [BOS] * (self.order - 1) + list(context)
    generated = []
    while len(generated) < num_words:
        weights = [self.score(w, history[len(history) - (self.order - 1) :]) for w in words]
        word = random.choices(words, weights=weights)[0]
        generated.append(word)
        history.append(word)
        if word == EOS:
            break
    return generated


NgramLM.generate = _generate_global_random
