"""span_prf concatenates the sentences without a boundary, so an entity ending one sentence and one starting the next can merge."""

_reference_span_prf = span_prf


def span_prf(y_true, y_pred, *, scheme="BIO", strict=False, average="micro"):
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("same (non-zero) number of sentences")
    for t, p in zip(y_true, y_pred):
        if len(t) != len(p):
            raise ValueError("lengths differ")
    flat_t = [tag for s in y_true for tag in s]
    flat_p = [tag for s in y_pred for tag in s]
    return _reference_span_prf([flat_t], [flat_p], scheme=scheme, strict=strict, average=average)
