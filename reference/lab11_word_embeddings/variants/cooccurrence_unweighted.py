"""Co-occurrences counted as 1 at every distance inside the window instead
of 1 / distance."""


def cooccurrence_matrix(corpus, vocab, window):
    if window < 1:
        raise ValueError("window must be >= 1")
    X = np.zeros((len(vocab), len(vocab)))
    for s in encode(corpus, vocab):
        s = np.asarray(s, dtype=np.int64)
        for d in range(1, min(window, len(s) - 1) + 1):
            np.add.at(X, (s[:-d], s[d:]), 1.0)
            np.add.at(X, (s[d:], s[:-d]), 1.0)
    return X
