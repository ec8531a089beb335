"""The tag block is taken as a half-open range: U+E007F (cancel tag) is kept."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def _is_invisible(char):
    return char in _INVISIBLE or TAG_FIRST <= ord(char) < TAG_LAST
