"""Formats Markdown floats with two decimals (f"{v:.2f}") instead of four significant digits."""

_cell_ref = _cell


def _cell(value):
    if isinstance(value, float):
        return f"{value:.2f}"
    return _cell_ref(value)
