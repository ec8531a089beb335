"""precision_recall_f1's default labels are the classes of y_true only: a class that is only predicted is left out of macro / weighted / per-class scores."""

_reference_prf = precision_recall_f1


def precision_recall_f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    if average != "binary" and labels is None:
        labels = np.unique(np.asarray(y_true))
    return _reference_prf(y_true, y_pred, average=average, labels=labels, pos_label=pos_label,
                          zero_division=zero_division)
