"""The lemmatizer applies the suffix rules first and only looks a word up in the
lexicon when no rule changed it, so irregular forms that happen to end in a suffix
are mangled: was -> wa, has -> ha, leaves -> leave (noun), knives -> knive."""


def lemmatize(word, pos):
    if pos not in LEMMA_POS:
        raise ValueError(f"unknown part of speech {pos!r}")
    w = word.casefold()
    by_rules = _RULES[pos](w)
    if by_rules != w:
        return by_rules
    return IRREGULAR_LEMMAS[pos].get(w, w)
