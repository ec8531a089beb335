"""Kneser-Ney that uses raw counts at every order, the lower orders and the
unigram level included, instead of continuation counts (how many distinct
words precede an n-gram). This is plain interpolated absolute discounting."""


def _kneser_ney_raw_counts(self, word, context):
    if not context:
        return self._counts[(word,)] / self._context_total[()]
    lower = self._kneser_ney(word, context[1:])
    total = self._context_total[context]
    if total == 0:
        return lower
    d = self.discount
    alpha = max(self._counts[context + (word,)] - d, 0.0) / total
    gamma = d * self._context_types[context] / total
    return alpha + gamma * lower


NgramLM._kneser_ney = _kneser_ney_raw_counts
