"""The distribution raises every count to the power, zero counts included:
with ``power=0`` a word never seen gets probability 1/V (0 ** 0 = 1)."""


def negative_sampling_distribution(counts, power=0.75):
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 1 or c.size == 0 or (c < 0).any() or c.sum() == 0:
        raise ValueError("bad counts")
    weights = c**power
    return weights / weights.sum()
