"""Any base64 candidate that decodes as UTF-8 becomes a view, control characters and all (no readability check)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def _readable(text):
    return True
