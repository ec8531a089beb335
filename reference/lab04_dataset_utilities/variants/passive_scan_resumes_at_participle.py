"""After a passive, passive_phrases goes on at the participle itself instead of the word after it.

A participle that is also an auxiliary ("gotten" with include_get=True) then
starts a second, overlapping phrase.
"""


def passive_phrases(sentence, *, include_get=False):
    words = re.findall(PASSIVE_TOKEN_PATTERN, sentence.lower())
    auxiliaries = BE_FORMS | GET_FORMS if include_get else BE_FORMS
    phrases = []
    i = 0
    while i < len(words):
        if words[i] in auxiliaries:
            j = i + 1
            while j < len(words) and _is_adverb(words[j]):
                j += 1
            if j < len(words) and _is_participle(words[j]):
                followed_by_by = j + 1 < len(words) and words[j + 1] == "by"
                if words[j] not in ADJECTIVAL_PARTICIPLES or followed_by_by:
                    phrases.append(" ".join(words[i : j + 1]))
                    i = j
                    continue
        i += 1
    return phrases
