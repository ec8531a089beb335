"""expected_calibration_error averages |acc_b - conf_b| over all n_bins bins (empty ones included) instead of weighting by n_b / n."""


def expected_calibration_error(y_true, y_prob, n_bins=15):
    y_true = _as_vector(y_true, "y_true")
    y_prob = np.asarray(y_prob, dtype=np.float64)
    if y_prob.ndim != 2 or y_prob.shape[1] < 2 or len(y_true) != len(y_prob) or n_bins < 1:
        raise ValueError("bad input")
    if not np.isin(y_true, np.arange(y_prob.shape[1])).all():
        raise ValueError("bad label")
    confidence = y_prob.max(axis=1)
    correct = (y_prob.argmax(axis=1) == y_true).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    gaps = [abs(correct[bins == b].mean() - confidence[bins == b].mean()) if (bins == b).any() else 0.0
            for b in range(n_bins)]
    return float(np.mean(gaps))
