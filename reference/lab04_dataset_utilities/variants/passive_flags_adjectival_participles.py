"""A passive detector that ignores ADJECTIVAL_PARTICIPLES: "I am tired" and
"she was interested in" are reported as passives."""


def passive_phrases(sentence, *, include_get=False):
    words = re.findall(PASSIVE_TOKEN_PATTERN, sentence.lower())
    auxiliaries = BE_FORMS | GET_FORMS if include_get else BE_FORMS
    phrases, i = [], 0
    while i < len(words):
        if words[i] in auxiliaries:
            j = i + 1
            while j < len(words) and _is_adverb(words[j]):
                j += 1
            if j < len(words) and _is_participle(words[j]):
                phrases.append(" ".join(words[i : j + 1]))
                i = j + 1
                continue
        i += 1
    return phrases
