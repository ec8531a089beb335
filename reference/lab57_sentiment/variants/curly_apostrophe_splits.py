"""The typographic apostrophe is not replaced: "don’t" becomes "don" and "t", and the negation is lost."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import re as _re


def tokenize(text):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return _re.findall(TOKEN_PATTERN, text)
