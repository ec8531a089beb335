"""Random deletion without the fallback: when every token is deleted, it returns an empty sentence."""


def random_deletion(words, p, seed, protected=()):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    rng = random.Random(seed)
    protected = set(protected)
    return [w for w in words if w in protected or rng.random() >= p]
