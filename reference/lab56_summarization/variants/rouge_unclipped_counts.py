"""ROUGE-N counts every candidate n-gram that occurs in the reference, without clipping to the reference count."""


def rouge_n(reference, candidate, n=1):
    ref = ngram_counts(tokenize(reference), n)
    cand = ngram_counts(tokenize(candidate), n)
    overlap = sum(count for gram, count in cand.items() if gram in ref)
    return _prf(overlap, sum(cand.values()), sum(ref.values()))
