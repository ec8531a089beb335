"""Per-class F1 is 2PR / (P + R) from the already zero-divided precision and recall, instead of 2 tp / (true + pred)."""

_reference_prf = precision_recall_f1


def precision_recall_f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    if average in ("binary", "micro"):
        return _reference_prf(y_true, y_pred, average=average, labels=labels, pos_label=pos_label,
                              zero_division=zero_division)
    if labels is None:
        labels = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    p, r, _ = _reference_prf(y_true, y_pred, average=None, labels=labels, zero_division=zero_division)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(p + r > 0, 2 * p * r / (p + r), zero_division)
    if average is None:
        return p, r, f
    weights = None
    if average == "weighted":
        weights = np.array([np.sum(np.asarray(y_true) == label) for label in labels])
    return _nan_average(p, weights), _nan_average(r, weights), _nan_average(f, weights)
