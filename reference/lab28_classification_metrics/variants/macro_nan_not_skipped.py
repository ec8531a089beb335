"""With zero_division=nan, macro and weighted take the mean of every score (NaN included) instead of leaving NaN out."""


def _nan_average(values, weights):
    if weights is None or weights.sum() == 0:
        return float(np.mean(values))
    return float(np.average(values, weights=weights))
