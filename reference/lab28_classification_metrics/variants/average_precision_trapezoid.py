"""average_precision integrates the precision-recall curve with the trapezoid rule (starting from precision 1 at recall 0) instead of sklearn's step sum."""


def average_precision(y_true, y_score):
    positives, negatives = _binary_scores(y_true, y_score)
    n_pos = positives.sum()
    if n_pos == 0:
        raise ValueError("no positive")
    tp = np.cumsum(positives)
    precision = np.r_[1.0, tp / (tp + np.cumsum(negatives))]
    recall = np.r_[0.0, tp / n_pos]
    return float(np.sum(np.diff(recall) * (precision[1:] + precision[:-1]) / 2))
