"""normalize_text applies NFKC first and deletes invisible characters afterwards, so a zero-width character between a letter and its accent leaves the text not in NFKC."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def normalize_text(text):
    _require_str(text)
    return strip_invisible(unicodedata.normalize("NFKC", text))
