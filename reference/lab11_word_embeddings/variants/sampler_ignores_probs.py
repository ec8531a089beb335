"""The sampler draws every index with the same probability, ignoring the
distribution it was given (``rng.integers(len(probs))``)."""


def sample_negatives(probs, size, seed):
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 1 or p.size == 0 or (p < 0).any() or abs(p.sum() - 1.0) > 1e-6:
        raise ValueError("probs must be a probability vector")
    return np.random.default_rng(seed).integers(p.size, size=size).astype(np.int64)
