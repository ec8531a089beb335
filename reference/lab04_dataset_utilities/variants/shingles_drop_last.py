"""Shingling with an off-by-one: range(n - k) instead of range(n - k + 1), so the
last shingle of every text is lost (and a text of exactly k units has none)."""


def _grams(units, k, sep):
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not units:
        return set()
    if len(units) < k:
        return {sep.join(units)}
    return {sep.join(units[i : i + k]) for i in range(len(units) - k)}
