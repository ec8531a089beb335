"""The chi-square McNemar test applies the continuity correction even with correction=False."""

_reference_mcnemar = mcnemar


def mcnemar(correct_a, correct_b, *, exact=True, correction=True):
    return _reference_mcnemar(correct_a, correct_b, exact=exact, correction=True)
