"""The model card writes numbers with two decimals instead of four."""

_reference_cell = _cell


def _cell(value):
    if isinstance(value, float) and not isinstance(value, bool):
        return format(value, ".2f")
    return _reference_cell(value)
