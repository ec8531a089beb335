"""Pads every sentence with a single <s> and a single </s>, whatever the order.

A bigram model is unaffected, but a trigram model then never sees the
context ("<s>", "<s>"), its first trigram is ("<s>", w1, w2), and all counts,
the vocabulary counts of the pads and every probability at the sentence
start change.
"""


def pad_sentence(sentence, order):
    _check_order(order)
    if order == 1:
        return list(sentence)
    return [BOS] + list(sentence) + [EOS]
