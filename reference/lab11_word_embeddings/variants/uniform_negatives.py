"""Negative samples drawn uniformly over the vocabulary instead of from the
unigram distribution raised to 3/4: the counts are ignored."""


def negative_sampling_distribution(counts, power=0.75):
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 1 or c.size == 0 or (c < 0).any() or c.sum() == 0:
        raise ValueError("bad counts")
    return np.full(c.size, 1.0 / c.size)
