"""average='micro' averages the per-class scores (it is macro) instead of pooling the counts first."""

_reference_prf = precision_recall_f1


def precision_recall_f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    if average == "micro":
        average = "macro"
    return _reference_prf(y_true, y_pred, average=average, labels=labels, pos_label=pos_label,
                          zero_division=zero_division)
