"""n-gram overlap counts repeated n-grams of the reference (lists, not sets)."""


def ngram_overlap(reference, output, n=5):
    if n < 1:
        raise ValueError("n must be at least 1")
    toks = tokenize(reference)
    ref = [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    if not ref:
        return 0.0
    out = _ngrams(tokenize(output), n)
    return sum(g in out for g in ref) / len(ref)
