"""Random insertion draws the position with ``randint(0, len(out) - 1)``: it never appends after the last word."""


def random_insertion(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    sources = [w for w in words if w not in protected and synonyms_of(w, lexicon)]
    if not sources:
        return out
    for _ in range(n):
        synonym = rng.choice(synonyms_of(rng.choice(sources), lexicon))
        out.insert(rng.randint(0, len(out) - 1), synonym)
    return out
