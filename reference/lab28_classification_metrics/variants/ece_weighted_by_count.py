"""expected_calibration_error weights each bin's gap by its count n_b instead of its fraction n_b / n."""

_reference_ece = expected_calibration_error


def expected_calibration_error(y_true, y_prob, n_bins=15):
    return _reference_ece(y_true, y_prob, n_bins) * len(np.asarray(y_true))
