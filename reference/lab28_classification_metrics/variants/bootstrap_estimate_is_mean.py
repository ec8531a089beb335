"""bootstrap_ci reports the mean of the resample values as the estimate instead of the metric on all the data."""

_reference_bootstrap_ci = bootstrap_ci


def bootstrap_ci(metric, y_true, y_score, *, n_resamples=1000, confidence=0.95, seed=0, **metric_kwargs):
    _, low, high = _reference_bootstrap_ci(metric, y_true, y_score, n_resamples=n_resamples, confidence=confidence,
                                           seed=seed, **metric_kwargs)
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    idx = np.random.default_rng(seed).integers(0, len(y_true), size=(n_resamples, len(y_true)))
    values = []
    for rows in idx:
        try:
            values.append(METRICS[metric](y_true[rows], y_score[rows], **metric_kwargs))
        except ValueError:
            continue
    return float(np.mean(values)), low, high
