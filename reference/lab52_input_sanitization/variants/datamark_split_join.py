"""datamark joins text.split() with the marker, which drops the whitespace runs at the start and the end."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def datamark(text, marker="^"):
    _require_str(text)
    _require_str(marker, "marker")
    if not marker or any(c.isspace() for c in marker):
        raise ValueError("bad marker")
    return marker.join(text.split())
