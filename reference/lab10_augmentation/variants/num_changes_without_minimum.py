"""The number of changes is ``int(alpha * num_words)`` without the minimum of one.

Short sentences (fewer than ``1 / alpha`` words) are then never changed by
synonym replacement, insertion or swap.
"""


def num_changes(alpha, num_words):
    if alpha < 0 or num_words < 0:
        raise ValueError("alpha and num_words must be >= 0")
    return int(alpha * num_words)
