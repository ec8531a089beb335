"""Random swap draws the two positions independently, so a "swap" may exchange a position with itself."""


def random_swap(words, n, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    free = [i for i, w in enumerate(words) if w not in protected]
    if len(free) < 2:
        return out
    for _ in range(n):
        i, j = rng.choice(free), rng.choice(free)
        out[i], out[j] = out[j], out[i]
    return out
