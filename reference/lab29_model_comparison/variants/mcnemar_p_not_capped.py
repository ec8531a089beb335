"""The exact McNemar p-value 2 * P(X <= min(b, c)) is not capped at 1 (it exceeds 1 when b == c)."""

_reference_mcnemar = mcnemar


def mcnemar(correct_a, correct_b, *, exact=True, correction=True):
    result = _reference_mcnemar(correct_a, correct_b, exact=exact, correction=correction)
    n = result["b"] + result["c"]
    if exact and n:
        result["p_value"] = float(2.0 * stats.binom.cdf(min(result["b"], result["c"]), n, 0.5))
    return result
