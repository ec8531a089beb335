"""Punctuation is dropped before the negation mask, so negation marks run across commas and full stops."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def sentiment_features(text, *, ngram_range=(1, 1), negation=True):
    lo, hi = _check_ngram_range(ngram_range)
    tokens = [t for t in tokenize(text) if t not in PUNCTUATION]
    mask = negation_mask(tokens) if negation else [False] * len(tokens)
    words = [t.lower() + ("_NEG" if m else "") for t, m in zip(tokens, mask)]
    features = []
    for n in range(lo, hi + 1):
        features.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return features
