"""random_insertion picks the source among the distinct words of the sentence.

A word that occurs twice is one source instead of two, so it is picked as
often as a word that occurs once.
"""


def random_insertion(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    sources = list(dict.fromkeys(w for w in words if w not in protected and synonyms_of(w, lexicon)))
    if not sources:
        return out
    for _ in range(n):
        synonym = rng.choice(synonyms_of(rng.choice(sources), lexicon))
        out.insert(rng.randint(0, len(out)), synonym)
    return out
