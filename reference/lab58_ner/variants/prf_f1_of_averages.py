"""span_prf's macro and weighted F1 is the harmonic mean of the averaged precision and recall, not the average of the F1s."""

_reference_span_prf = span_prf


def span_prf(y_true, y_pred, *, scheme="BIO", strict=False, average="micro"):
    out = _reference_span_prf(y_true, y_pred, scheme=scheme, strict=strict, average=average)
    if average in ("macro", "weighted"):
        p, r, _ = out
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)
    return out
