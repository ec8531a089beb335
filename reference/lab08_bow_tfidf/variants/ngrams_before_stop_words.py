"""The n-grams are built from all tokens and the stop words are removed
afterwards (only terms equal to a stop word go), instead of removing the stop
words from the tokens before the n-grams are formed."""

_original_analyze = analyze


def analyze(document, *, lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), stop_words=None):
    terms = _original_analyze(document, lowercase=lowercase, token_pattern=token_pattern, ngram_range=ngram_range)
    if stop_words is not None:
        stop = frozenset(stop_words)
        terms = [term for term in terms if term not in stop]
    return terms
