"""porter_stem runs step 2 before step 1c, so suffixes that only appear once y has
become i (-abli, -alli, -entli, -aliti, ...) are never reduced: conformably,
formality, sensitivity come out wrong."""


def porter_stem(word):
    stem = word.lower()
    for step in (porter_step1a, porter_step1b, porter_step2, porter_step1c, porter_step3, porter_step4, porter_step5):
        stem = step(stem)
    return stem
