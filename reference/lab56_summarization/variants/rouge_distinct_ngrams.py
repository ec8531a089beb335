"""ROUGE-N compares sets of distinct n-grams, so repeated n-grams count once."""


def rouge_n(reference, candidate, n=1):
    ref = set(ngram_counts(tokenize(reference), n))
    cand = set(ngram_counts(tokenize(candidate), n))
    return _prf(len(ref & cand), len(cand), len(ref))
