"""The comparison table scores each model on the training split instead of the test split."""

_reference_compare_models = compare_models


def compare_models(specs, train_x, train_y, test_x, test_y, **kwargs):
    return _reference_compare_models(specs, train_x, train_y, train_x, train_y, **kwargs)
