"""caseless_equal compares casefolded strings without Unicode normalization, so a
precomposed "é" does not match "e" + combining accent."""


def caseless_equal(a, b):
    return a.casefold() == b.casefold()
