"""nearest_neighbours and analogy return numpy float32 scores instead of
Python floats (the docstrings ask for Python floats)."""

_reference_top_k = _top_k


def _top_k(words, scores, exclude, k):
    return [(w, np.float32(s)) for w, s in _reference_top_k(words, scores, exclude, k)]
