"""synonyms_of looks words up lower-cased: "Good" gets the synonyms of "good".

Lookups are documented as exact and case-sensitive; lower-casing also makes
"GOOD" eligible for replacement and its synonyms lower-case.
"""


def synonyms_of(word, lexicon):
    return [s for s in dict.fromkeys(lexicon.get(word.lower(), ())) if s != word and s != word.lower()]
