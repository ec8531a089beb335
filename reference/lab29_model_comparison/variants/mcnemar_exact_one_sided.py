"""The exact McNemar test reports the one-sided p-value P(X <= min(b, c)) instead of doubling it."""

_reference_mcnemar = mcnemar


def mcnemar(correct_a, correct_b, *, exact=True, correction=True):
    result = _reference_mcnemar(correct_a, correct_b, exact=exact, correction=correction)
    n = result["b"] + result["c"]
    if exact and n:
        result["p_value"] = float(stats.binom.cdf(min(result["b"], result["c"]), n, 0.5))
    return result
