"""bootstrap_ci reads the interval off the sorted values at index int(alpha/2 * R) and int((1 - alpha/2) * R) instead of numpy's linear percentile."""


def bootstrap_ci(metric, y_true, y_score, *, n_resamples=1000, confidence=0.95, seed=0, **metric_kwargs):
    if metric not in METRICS or n_resamples < 1 or not 0 < confidence < 1:
        raise ValueError("bad arguments")
    if "average" in metric_kwargs and metric_kwargs["average"] is None:
        raise ValueError("average=None")
    score = METRICS[metric]
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    estimate = float(score(y_true, y_score, **metric_kwargs))
    n = len(y_true)
    idx = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))
    values = []
    for rows in idx:
        try:
            values.append(score(y_true[rows], y_score[rows], **metric_kwargs))
        except ValueError:
            continue
    if not values:
        raise ValueError("undefined")
    values = np.sort(values)
    alpha = 1.0 - confidence
    low = values[int(alpha / 2 * len(values))]
    high = values[min(int((1 - alpha / 2) * len(values)), len(values) - 1)]
    return estimate, float(low), float(high)
