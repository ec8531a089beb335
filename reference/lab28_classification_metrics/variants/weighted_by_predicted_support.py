"""average='weighted' weights each class by how often it is PREDICTED instead of its true support."""

_reference_prf = precision_recall_f1


def precision_recall_f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    if average != "weighted":
        return _reference_prf(y_true, y_pred, average=average, labels=labels, pos_label=pos_label,
                              zero_division=zero_division)
    if labels is None:
        labels = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    scores = _reference_prf(y_true, y_pred, average=None, labels=labels, zero_division=zero_division)
    weights = np.array([np.sum(np.asarray(y_pred) == label) for label in labels])
    return tuple(_nan_average(np.asarray(s), weights) for s in scores)
