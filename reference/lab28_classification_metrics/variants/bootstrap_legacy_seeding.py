"""bootstrap_ci seeds numpy's legacy global generator (np.random.seed + randint) instead of one default_rng(seed).integers draw."""


def bootstrap_ci(metric, y_true, y_score, *, n_resamples=1000, confidence=0.95, seed=0, **metric_kwargs):
    if metric not in METRICS or n_resamples < 1 or not 0 < confidence < 1:
        raise ValueError("bad arguments")
    if "average" in metric_kwargs and metric_kwargs["average"] is None:
        raise ValueError("average=None")
    score = METRICS[metric]
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    estimate = float(score(y_true, y_score, **metric_kwargs))
    n = len(y_true)
    np.random.seed(seed)
    values = []
    for _ in range(n_resamples):
        rows = np.random.randint(0, n, size=n)
        try:
            values.append(score(y_true[rows], y_score[rows], **metric_kwargs))
        except ValueError:
            continue
    if not values:
        raise ValueError("undefined")
    alpha = 1.0 - confidence
    low, high = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return estimate, float(low), float(high)
