"""Only the listed NEGATORS open a scope: contractions ending in n't (don't, isn't) are missed."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def _is_negator(token):
    return token.lower() in NEGATORS
