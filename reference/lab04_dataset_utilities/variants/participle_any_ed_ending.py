"""passive_phrases takes every word ending in "ed" (not in NOT_PARTICIPLES) as a participle, also 3-letter ones like "wed"."""


def _is_participle(word):
    if word in IRREGULAR_PARTICIPLES:
        return True
    return word.endswith("ed") and word not in NOT_PARTICIPLES
