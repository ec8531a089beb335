"""BLEU takes the shortest reference's length for the brevity penalty instead of the closest one."""


def _bleu_statistics(prediction, references):
    hyp = _tokenize_13a(prediction)
    hyp_ngrams = _ngrams(hyp)
    ref_ngrams = Counter()
    ref_lens = []
    for ref in references:
        tokens = _tokenize_13a(ref)
        ref_lens.append(len(tokens))
        ref_ngrams |= _ngrams(tokens)
    ref_len = min(ref_lens)
    correct, total = [0] * _MAX_ORDER, [0] * _MAX_ORDER
    for ngram, count in hyp_ngrams.items():
        total[len(ngram) - 1] += count
        correct[len(ngram) - 1] += min(count, ref_ngrams[ngram])
    return [len(hyp), ref_len, *correct, *total]
