"""Random deletion with the comparison the wrong way round: each token is *kept* with probability p."""


def random_deletion(words, p, seed, protected=()):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    if not words:
        return []
    rng = random.Random(seed)
    protected = set(protected)
    kept = [w for w in words if w in protected or rng.random() < p]
    return kept if kept else [rng.choice(words)]
