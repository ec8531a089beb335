"""bootstrap_ci lets the metric's ValueError on one resample escape instead of dropping that resample."""


def bootstrap_ci(metric, y_true, y_score, *, n_resamples=1000, confidence=0.95, seed=0, **metric_kwargs):
    if metric not in METRICS or n_resamples < 1 or not 0 < confidence < 1:
        raise ValueError("bad arguments")
    if "average" in metric_kwargs and metric_kwargs["average"] is None:
        raise ValueError("average=None")
    score = METRICS[metric]
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    estimate = float(score(y_true, y_score, **metric_kwargs))
    idx = np.random.default_rng(seed).integers(0, len(y_true), size=(n_resamples, len(y_true)))
    values = [score(y_true[rows], y_score[rows], **metric_kwargs) for rows in idx]
    alpha = 1.0 - confidence
    low, high = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return estimate, float(low), float(high)
