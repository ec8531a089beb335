"""Rows are divided by their norms without guarding zero rows: 0 / 0 gives nan instead of similarity 0."""

import numpy as np



def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"expected (N, D) and (M, D), got {a.shape} and {b.shape}")
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a @ b.T) / np.outer(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1))
