"""Invisible characters are only ZERO_WIDTH and BIDI_CONTROLS: the Unicode tag block (ASCII smuggling) is neither deleted nor counted."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def _is_invisible(char):
    return char in _INVISIBLE
