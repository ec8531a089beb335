"""Kneser-Ney whose lower-order weight counts the raw followers T(h) of the
context instead of the words with a positive continuation count T'(h)
(nltk's formula). At the all-<s> lower-order context of a trigram model the
bigram "<s> <s>" has no left extension, so the weight is too large and the
sentence-start distribution sums to more than 1."""


def _kneser_ney_raw_follower_gamma(self, word, context):
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
    return max(count - d, 0.0) / total + d * self._context_types[context] / total * lower


NgramLM._kneser_ney = _kneser_ney_raw_follower_gamma
