"""The noun and verb rules drop a final "s" from words of any length.

The docstring keeps words of 3 letters or fewer ("gas", "bus", "as"):
only longer words lose the "s".
"""


def _lemmatize_noun(word):
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return _ies(word, "ies")
    if word.endswith(_SIBILANT_ES):
        return word[:-2]
    if word.endswith("s") and len(word) > 1:
        return word[:-1]
    return word


def _lemmatize_verb(word):
    if word.endswith("ies"):
        return _ies(word, "ies")
    if word.endswith("ied"):
        return _ies(word, "ied")
    if word.endswith(_SIBILANT_ES):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 1:
        return word[:-1]
    if word.endswith("eed"):
        return word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            return _tidy_stem(word[: -len(suffix)])
    return word


_RULES["NOUN"] = _lemmatize_noun
_RULES["VERB"] = _lemmatize_verb
