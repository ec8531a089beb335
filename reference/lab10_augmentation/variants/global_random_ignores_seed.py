"""All operations use the global ``random`` module and ignore ``seed``: outputs are not reproducible."""


def synonym_replacement(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    out = list(words)
    eligible = [i for i, w in enumerate(words) if w not in set(protected) and synonyms_of(w, lexicon)]
    for i in random.sample(eligible, min(n, len(eligible))):
        out[i] = random.choice(synonyms_of(words[i], lexicon))
    return out


def random_insertion(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    out = list(words)
    sources = [w for w in words if w not in set(protected) and synonyms_of(w, lexicon)]
    if not sources:
        return out
    for _ in range(n):
        out.insert(random.randint(0, len(out)), random.choice(synonyms_of(random.choice(sources), lexicon)))
    return out


def random_swap(words, n, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    out = list(words)
    free = [i for i, w in enumerate(words) if w not in set(protected)]
    if len(free) < 2:
        return out
    for _ in range(n):
        i, j = random.sample(free, 2)
        out[i], out[j] = out[j], out[i]
    return out


def random_deletion(words, p, seed, protected=()):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    if not words:
        return []
    kept = [w for w in words if w in set(protected) or random.random() >= p]
    return kept if kept else [random.choice(words)]
