"""The effective number taken as beta**n_c instead of (1 - beta**n_c) / (1 - beta)."""


def effective_number_weights(y, classes=None, beta=0.999):
    if not 0.0 <= beta < 1.0:
        raise ValueError("beta must be in [0, 1)")
    classes, counts = _class_counts(y, classes)
    weights = 1.0 / np.power(beta, counts.astype(np.float64))
    return weights * len(classes) / weights.sum()
