"""skeleton folds homoglyphs before NFKC, so a mathematical Greek alpha becomes a Greek alpha and is never folded to 'a'."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def skeleton(text):
    _require_str(text)
    folded = "".join(HOMOGLYPHS.get(c, c) for c in strip_invisible(text))
    return unicodedata.normalize("NFKC", folded).casefold()
