"""Random insertion inserts a random word of the whole lexicon, not a synonym of a word of the sentence."""


def random_insertion(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    if not any(w not in protected and synonyms_of(w, lexicon) for w in words):
        return out
    vocabulary = sorted({s for w in lexicon for s in synonyms_of(w, lexicon)})
    for _ in range(n):
        out.insert(rng.randint(0, len(out)), rng.choice(vocabulary))
    return out
