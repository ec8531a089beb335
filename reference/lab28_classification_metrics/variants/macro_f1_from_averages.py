"""macro F1 is the harmonic mean of macro precision and macro recall instead of the mean of the per-class F1."""

_reference_prf = precision_recall_f1


def precision_recall_f1(y_true, y_pred, *, average="binary", labels=None, pos_label=1, zero_division=0.0):
    p, r, f = _reference_prf(y_true, y_pred, average=average, labels=labels, pos_label=pos_label,
                             zero_division=zero_division)
    if average == "macro":
        f = 2 * p * r / (p + r) if p + r > 0 else zero_division
    return p, r, f
