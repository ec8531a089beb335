"""Porter step 1b removes -ed/-ing but forgets to put the "e" back on -at, -bl, -iz
stems (conflated -> conflat instead of conflate; troubled -> troubl, sized -> siz)."""


def porter_step1b(word):
    if word.endswith("eed"):
        return word[:-1] if measure(word[:-3]) > 0 else word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            stem = word[: -len(suffix)]
            if _ends_double_consonant(stem):
                return stem if stem[-1] in "lsz" else stem[:-1]
            if measure(stem) == 1 and _ends_cvc(stem):
                return stem + "e"
            return stem
    return word
