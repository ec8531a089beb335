"""confusion_matrix sorts the given labels instead of keeping their order."""

_reference_confusion_matrix = confusion_matrix


def confusion_matrix(y_true, y_pred, labels=None):
    if labels is not None:
        labels = sorted(labels)
    return _reference_confusion_matrix(y_true, y_pred, labels)
