"""Random swap that only refuses to pick a protected token first: the second position is any other position.

So a protected token can be swapped away from its place (as the partner of a
free token), although it is never chosen as the first position.
"""


def random_swap(words, n, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    free = [i for i, w in enumerate(words) if w not in protected]
    if len(free) < 1 or len(words) < 2:
        return out
    for _ in range(n):
        i = rng.choice(free)
        j = rng.choice([k for k in range(len(out)) if k != i])
        out[i], out[j] = out[j], out[i]
    return out
