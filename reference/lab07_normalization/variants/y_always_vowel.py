"""Porter's consonant test treats "y" as a vowel everywhere, ignoring that a "y" at the
start of a word or after a vowel is a consonant (toy, yes, syzygy)."""


def _cv(word):
    return "".join("v" if ch in "aeiouy" else "c" for ch in word)
