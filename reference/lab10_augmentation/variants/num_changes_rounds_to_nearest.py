"""The number of changes rounds ``alpha * num_words`` to the nearest integer instead of down."""


def num_changes(alpha, num_words):
    if alpha < 0 or num_words < 0:
        raise ValueError("alpha and num_words must be >= 0")
    return 0 if alpha == 0 else max(1, round(alpha * num_words))
