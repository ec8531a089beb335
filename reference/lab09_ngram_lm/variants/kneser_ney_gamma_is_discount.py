"""Kneser-Ney whose interpolation weight is the discount d itself instead of
the discounted mass d * T(h) / c(h): P = max(c - d, 0) / c(h) + d * P_lower.
The lower-order model gets the wrong weight and distributions do not sum to 1."""


def _kneser_ney_gamma_is_discount(self, word, context):
    if not context:
        return self._continuation[(word,)] / self._continuation_total[()]
    lower = self._kneser_ney(word, context[1:])
    if len(context) == self.order - 1:
        count, total = self._counts[context + (word,)], self._context_total[context]
    else:
        count, total = self._continuation[context + (word,)], self._continuation_total[context]
    if self._context_total[context] == 0 or total == 0:
        return lower
    d = self.discount
    return max(count - d, 0.0) / total + d * lower


NgramLM._kneser_ney = _kneser_ney_gamma_is_discount
