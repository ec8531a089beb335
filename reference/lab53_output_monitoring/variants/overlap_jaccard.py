"""n-gram overlap as Jaccard similarity (divided by the union) instead of the reference's share."""


def ngram_overlap(reference, output, n=5):
    if n < 1:
        raise ValueError("n must be at least 1")
    ref, out = _ngrams(tokenize(reference), n), _ngrams(tokenize(output), n)
    return len(ref & out) / len(ref | out) if ref else 0.0
