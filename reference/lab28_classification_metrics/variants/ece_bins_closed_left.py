"""expected_calibration_error puts a confidence on an edge in the upper bin ([lo, hi) bins, numpy.digitize's default)."""


def expected_calibration_error(y_true, y_prob, n_bins=15):
    y_true = _as_vector(y_true, "y_true")
    y_prob = np.asarray(y_prob, dtype=np.float64)
    if y_prob.ndim != 2 or y_prob.shape[1] < 2 or len(y_true) != len(y_prob) or n_bins < 1:
        raise ValueError("bad input")
    if not np.isin(y_true, np.arange(y_prob.shape[1])).all():
        raise ValueError("bad label")
    confidence = y_prob.max(axis=1)
    correct = (y_prob.argmax(axis=1) == y_true).astype(np.float64)
    bins = np.clip(np.digitize(confidence, np.linspace(0, 1, n_bins + 1)) - 1, 0, n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        inside = bins == b
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)
