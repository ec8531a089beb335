"""A 0/0 ratio is NaN whatever zero_division says (numpy's plain division)."""


def _divide(numerator, denominator, zero_division):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator, dtype=np.float64) / np.asarray(denominator, dtype=np.float64)
