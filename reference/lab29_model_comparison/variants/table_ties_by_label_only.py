"""The comparison table breaks accuracy ties by label alone, ignoring the parameter count."""

_reference_compare_models = compare_models


def compare_models(specs, train_x, train_y, test_x, test_y, **kwargs):
    rows = _reference_compare_models(specs, train_x, train_y, test_x, test_y, **kwargs)
    return sorted(rows, key=lambda row: (-row["accuracy"], row["label"]))
