"""confusion_matrix puts the predicted labels on the rows and the true labels on the columns."""

_reference_confusion_matrix = confusion_matrix


def confusion_matrix(y_true, y_pred, labels=None):
    return _reference_confusion_matrix(y_true, y_pred, labels).T
