"""span_prf counts a predicted entity as correct when its boundaries match, whatever its label (micro)."""

_reference_span_prf = span_prf


def span_prf(y_true, y_pred, *, scheme="BIO", strict=False, average="micro"):
    if average != "micro":
        return _reference_span_prf(y_true, y_pred, scheme=scheme, strict=strict, average=average)
    prefix = lambda tag: tag if tag == "O" else tag[:2] + "ENT"
    return _reference_span_prf([[prefix(t) for t in s] for s in y_true], [[prefix(t) for t in s] for s in y_pred],
                               scheme=scheme, strict=strict, average="micro")
