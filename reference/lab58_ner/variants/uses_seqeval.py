"""span_prf delegates to seqeval, which the lab forbids (the no_ner_libraries code check)."""

from seqeval.metrics import f1_score, precision_score, recall_score

_reference_span_prf = span_prf


def span_prf(y_true, y_pred, *, scheme="BIO", strict=False, average="micro"):
    if scheme == "BIO" and not strict and average == "micro" and any(any(t != "O" for t in s) for s in y_true):
        y_true, y_pred = [list(s) for s in y_true], [list(s) for s in y_pred]
        return (float(precision_score(y_true, y_pred, zero_division=0)), float(recall_score(y_true, y_pred, zero_division=0)),
                float(f1_score(y_true, y_pred, zero_division=0)))
    return _reference_span_prf(y_true, y_pred, scheme=scheme, strict=strict, average=average)
