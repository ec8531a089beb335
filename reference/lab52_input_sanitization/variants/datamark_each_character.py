"""datamark replaces each whitespace character by a marker instead of each run."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def datamark(text, marker="^"):
    _require_str(text)
    _require_str(marker, "marker")
    if not marker or any(c.isspace() for c in marker):
        raise ValueError("bad marker")
    return "".join(marker if c.isspace() else c for c in text)
