"""When b = c = 0 the chi-square McNemar test divides by zero and returns NaN (as statsmodels does) instead of p = 1."""

_reference_mcnemar = mcnemar


def mcnemar(correct_a, correct_b, *, exact=True, correction=True):
    result = _reference_mcnemar(correct_a, correct_b, exact=exact, correction=correction)
    if not exact and result["b"] + result["c"] == 0:
        result["statistic"] = float("nan")
        result["p_value"] = float("nan")
    return result
