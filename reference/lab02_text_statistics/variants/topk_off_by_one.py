"""top_k returns k - 1 entries (an off-by-one in the slice)."""


def top_k(frequencies, k):
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    ordered = sorted(frequencies.items(), key=lambda wc: (-wc[1], wc[0]))
    return ordered[: max(k - 1, 0)]
