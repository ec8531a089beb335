"""roc_auc ranks the samples by a sort and breaks ties by their order instead of counting a tied pair one half."""


def roc_auc(y_true, y_score):
    y_true, y_score = _check_pair(y_true, y_score, "y_score")
    if not np.isin(y_true, [0, 1]).all():
        raise ValueError("y_true must hold 0/1 values only")
    n_pos = int(np.sum(y_true == 1))
    n_neg = len(y_true) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("one class only")
    ranks = np.empty(len(y_true))
    ranks[np.argsort(y_score)] = np.arange(1, len(y_true) + 1)
    return float((ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
