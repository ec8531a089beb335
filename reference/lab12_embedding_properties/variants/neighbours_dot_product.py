"""Nearest neighbours by the raw dot product instead of the cosine (the vectors
are never normalised), so long vectors look similar to everything."""


def nearest_neighbours(words, vectors, word, k=10):
    _check_k(k)
    vectors = np.asarray(vectors, dtype=np.float64)
    i = _index(words, word)
    return _top_k(words, vectors @ vectors[i], {i}, k)
