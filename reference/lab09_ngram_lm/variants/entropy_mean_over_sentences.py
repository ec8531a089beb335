"""Cross-entropy averaged per sentence and then over sentences, instead of
over all n-grams of the text: long and short sentences get the same weight."""


def _entropy_mean_over_sentences(self, sentences):
    self._require_fitted()
    sentences = list(sentences)
    if not sentences:
        raise ValueError("the test text has no n-grams")
    n = self.order
    per_sentence = []
    for sentence in sentences:
        padded = pad_sentence(sentence, n)
        logs = [self.logscore(padded[i + n - 1], padded[i : i + n - 1]) for i in range(len(padded) - n + 1)]
        if -math.inf in logs:
            return math.inf
        per_sentence.append(-math.fsum(logs) / len(logs))
    return math.fsum(per_sentence) / len(per_sentence)


NgramLM.entropy = _entropy_mean_over_sentences
