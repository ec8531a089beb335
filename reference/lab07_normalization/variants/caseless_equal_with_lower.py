"""caseless_equal compares with str.lower() where str.casefold() is specified, so
"Straße" does not match "STRASSE" and "ﬁle" does not match "FILE"."""


def caseless_equal(a, b):
    def key(s):
        return unicodedata.normalize("NFD", unicodedata.normalize("NFD", s).lower())

    return key(a) == key(b)
