"""skeleton case-folds before folding homoglyphs, so Greek capital Nu becomes small nu and then 'v' instead of 'n'."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def skeleton(text):
    return "".join(HOMOGLYPHS.get(c, c) for c in normalize_text(text).casefold())
