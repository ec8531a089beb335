"""The lowercase option is ignored: documents are never lower-cased, so "The"
and "the" are different terms."""

_original_analyze = analyze


def analyze(document, *, lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), stop_words=None):
    return _original_analyze(document, lowercase=False, token_pattern=token_pattern, ngram_range=ngram_range, stop_words=stop_words)
