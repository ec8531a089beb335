"""accuracy delegates to scikit-learn, which the lab forbids (the no_sklearn code check)."""

from sklearn.metrics import accuracy_score


def accuracy(y_true, y_pred):
    y_true, y_pred = _check_pair(y_true, y_pred)
    return float(accuracy_score(y_true, y_pred))
