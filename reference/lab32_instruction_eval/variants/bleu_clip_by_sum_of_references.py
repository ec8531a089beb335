"""BLEU clips a prediction's n-gram count by the SUM of its counts over the references (not the maximum in one)."""


def _bleu_statistics(prediction, references):
    hyp = _tokenize_13a(prediction)
    hyp_ngrams = _ngrams(hyp)
    ref_ngrams = Counter()
    ref_lens = []
    for ref in references:
        tokens = _tokenize_13a(ref)
        ref_lens.append(len(tokens))
        ref_ngrams += _ngrams(tokens)
    ref_len = min(ref_lens, key=lambda length: (abs(length - len(hyp)), length))
    correct, total = [0] * _MAX_ORDER, [0] * _MAX_ORDER
    for ngram, count in hyp_ngrams.items():
        total[len(ngram) - 1] += count
        correct[len(ngram) - 1] += min(count, ref_ngrams[ngram])
    return [len(hyp), ref_len, *correct, *total]
