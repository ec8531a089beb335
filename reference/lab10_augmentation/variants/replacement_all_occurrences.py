"""Synonym replacement in the style of the original EDA code: a chosen word is replaced at every occurrence.

It picks ``n`` distinct *words* and replaces all their occurrences, so a
sentence with a repeated word changes more than ``n`` positions.
"""


def synonym_replacement(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    candidates = sorted({w for w in words if w not in protected and synonyms_of(w, lexicon)})
    replacement = {w: rng.choice(synonyms_of(w, lexicon)) for w in rng.sample(candidates, min(n, len(candidates)))}
    return [replacement.get(w, w) for w in words]
