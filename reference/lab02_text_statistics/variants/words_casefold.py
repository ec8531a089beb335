"""words() uses str.casefold() instead of str.lower(): "Straße" becomes "strasse", "ΟΔΟΣ" becomes "οδοσ"."""


def words(text):
    return [w.casefold() for w in _WORD_RE.findall(text)]
