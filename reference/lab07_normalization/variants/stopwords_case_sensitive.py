"""Stop-word removal compares tokens with the stop list as they are, so "The" and
"AND" survive (the list is lower-case)."""


def remove_stopwords(tokens, stopwords=None):
    words = set(STOP_WORDS if stopwords is None else stopwords)
    return [token for token in tokens if token not in words]
