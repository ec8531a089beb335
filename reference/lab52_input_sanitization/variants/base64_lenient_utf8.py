"""Decoded base64 bytes are read with errors="replace": non-UTF-8 payloads become readable views instead of being skipped."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def _base64_text(candidate):
    try:
        decoded = base64.b64decode(candidate, validate=True).decode("utf-8", errors="replace")
    except binascii.Error:
        return None
    return decoded if _readable(decoded) else None
