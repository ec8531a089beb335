"""Label values are written between quotes as they are, without escaping backslashes, quotes or newlines."""


def _escape_label(value):
    return value
