"""Cosine similarity as the plain dot product, without dividing by the norms."""

import numpy as np



def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"expected (N, D) and (M, D), got {a.shape} and {b.shape}")
    return a @ b.T
