"""Random deletion removes a fixed number of tokens, round(p * n), chosen at random.

On average that is the right fraction, but the number of deleted tokens
never varies: each token is not deleted independently with probability p.
"""


def random_deletion(words, p, seed, protected=()):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    if not words:
        return []
    rng = random.Random(seed)
    protected = set(protected)
    free = [i for i, w in enumerate(words) if w not in protected]
    doomed = set(rng.sample(free, round(p * len(free))))
    kept = [w for i, w in enumerate(words) if i not in doomed]
    return kept if kept else [rng.choice(words)]
