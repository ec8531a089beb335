"""top_k breaks ties by first occurrence instead of alphabetically.

Counter.most_common keeps insertion order among equal counts, so the answer
depends on the order of the mapping, which the spec forbids.
"""


def top_k(frequencies, k):
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return Counter(frequencies).most_common(k)
