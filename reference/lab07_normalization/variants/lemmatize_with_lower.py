"""lemmatize lower-cases the word with str.lower() instead of str.casefold().

The same for ASCII words, but "ﬁles" keeps its ligature (-> "ﬁle"),
"Straßes" keeps its ß and "ΟΔΟΣ" ends in a final sigma.
"""


def lemmatize(word, pos):
    if pos not in LEMMA_POS:
        raise ValueError(f"unknown part of speech {pos!r}; expected one of {LEMMA_POS}")
    w = word.lower()
    lexicon = IRREGULAR_LEMMAS[pos]
    if w in lexicon:
        return lexicon[w]
    return _RULES[pos](w)
