"""precision_recall_f1 ignores the zero_division option: a 0/0 ratio is always 0."""

_reference_prf = precision_recall_f1


def precision_recall_f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    if not (zero_division in (0, 1) or np.isnan(zero_division)):
        raise ValueError("bad zero_division")
    return _reference_prf(y_true, y_pred, average=average, labels=labels, pos_label=pos_label, zero_division=0.0)
