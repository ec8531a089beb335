"""Porter's rule lists (steps 2-4) try the next, shorter suffix when the longest
matching suffix's condition fails, instead of leaving the word alone: in step 4
agreement -> agreem (-ent removed after -ement and -ment were refused)."""


def _apply_rules(word, rules, min_measure):
    for suffix, replacement in rules:
        if word.endswith(suffix) and measure(word[: -len(suffix)]) > min_measure:
            return word[: -len(suffix)] + replacement
    return word


def porter_step4(word):
    for suffix, _ in _STEP4:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if measure(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                return stem
    return word
