"""The sampler draws one index per row and repeats it across the row (one
random number per example reused for all K negatives): every index still has
the right overall frequency, but the negatives of an example are all alike."""


def sample_negatives(probs, size, seed):
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 1 or p.size == 0 or (p < 0).any() or abs(p.sum() - 1.0) > 1e-6:
        raise ValueError("probs must be a probability vector")
    shape = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    if len(shape) < 2:
        u = rng.random(shape)
    else:
        u = np.broadcast_to(rng.random(shape[:-1] + (1,)), shape)
    return np.minimum(np.searchsorted(cdf, u, side="right"), p.size - 1).astype(np.int64)
