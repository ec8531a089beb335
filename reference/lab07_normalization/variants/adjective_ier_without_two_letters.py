"""The adjective rule "-iest / -ier -> y" is applied whatever comes before the suffix.

The docstring asks for at least 2 letters before it: "tier" is "ti" + "er"
(rule b), not "t" + "ier" -> "ty".
"""


def _lemmatize_adj(word):
    for suffix in ("iest", "ier"):
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + "y"
    for suffix in ("est", "er"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            return _tidy_stem(word[: -len(suffix)])
    return word


_RULES["ADJ"] = _lemmatize_adj
