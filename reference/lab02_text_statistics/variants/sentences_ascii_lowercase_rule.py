"""split_sentences checks the lower-case rule with "a" <= c <= "z" instead of str.islower().

A sentence that goes on with "émile" or a Greek or Cyrillic lower-case word
is cut apart.
"""


def _next_is_lowercase(text, pos):
    following = _NEXT_CHAR_RE.match(text, pos)
    return following is not None and "a" <= following.group(1) <= "z"
