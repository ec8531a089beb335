"""mcnemar runs the binomial / chi-square test over every example (all four cells) instead of the discordant pairs b + c."""


def mcnemar(correct_a, correct_b, *, exact=True, correction=True):
    a = torch.as_tensor(correct_a, dtype=torch.bool).reshape(-1)
    bb = torch.as_tensor(correct_b, dtype=torch.bool).reshape(-1)
    if a.shape != bb.shape:
        raise ValueError("correct_a and correct_b must have the same length")
    b = int((a & ~bb).sum())
    c = int((~a & bb).sum())
    n = len(a)
    if b + c == 0:
        return {"b": b, "c": c, "statistic": 0.0, "p_value": 1.0}
    if exact:
        statistic = float(min(b, c))
        p_value = min(1.0, 2.0 * stats.binom.cdf(min(b, c), n, 0.5))
    else:
        statistic = (abs(b - c) - (1 if correction else 0)) ** 2 / n
        p_value = stats.chi2.sf(statistic, 1)
    return {"b": b, "c": c, "statistic": float(statistic), "p_value": float(p_value)}
