"""top_words reverses an ascending sort, so equal weights come out larger id first."""


def top_words(topic_word, n):
    weights = np.asarray(topic_word, dtype=np.float64)
    if weights.ndim != 2:
        raise ValueError("topic_word must be 2-D")
    n = _int(n, "n", 1)
    if n > weights.shape[1]:
        raise ValueError("n too large")
    return np.argsort(weights, axis=1, kind="stable")[:, ::-1][:, :n].astype(np.int64)
