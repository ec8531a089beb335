"""strip_invisible deletes the zero-width characters and the tag block but keeps the bidirectional controls."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def strip_invisible(text):
    _require_str(text)
    return "".join(c for c in text if c not in ZERO_WIDTH and not TAG_FIRST <= ord(c) <= TAG_LAST)
