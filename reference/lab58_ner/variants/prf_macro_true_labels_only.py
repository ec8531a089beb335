"""span_prf's macro average runs over the labels of the true entities only (a label only predicted is left out)."""

_reference_span_prf = span_prf


def span_prf(y_true, y_pred, *, scheme="BIO", strict=False, average="micro"):
    if average != "macro":
        return _reference_span_prf(y_true, y_pred, scheme=scheme, strict=strict, average=average)
    per = _reference_span_prf(y_true, y_pred, scheme=scheme, strict=strict, average=None)
    true_labels = _reference_span_prf(y_true, y_true, scheme=scheme, strict=strict, average=None)
    rows = [per[label] for label in true_labels]
    if not rows:
        return 0.0, 0.0, 0.0
    return tuple(float(sum(r[i] for r in rows) / len(rows)) for i in range(3))
