"""cosine_top_k returns the ranking as int32 (what argsort gives on some platforms) and float32 scores.

The values are right, but the docstring asks for int64 indices and float64 scores.
"""

_correct_cosine_top_k = cosine_top_k


def cosine_top_k(matrix, queries, k):
    indices, scores = _correct_cosine_top_k(matrix, queries, k)
    return indices.astype(np.int32), scores.astype(np.float32)
