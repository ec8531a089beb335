"""random_swap copies the sentence with ``words.copy()``.

That works for a list, but ``words`` may be any sequence: a tuple has no
``copy`` method, so the call fails with AttributeError.
"""


def random_swap(words, n, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = words.copy()
    free = [i for i, w in enumerate(words) if w not in protected]
    if len(free) < 2:
        return out
    for _ in range(n):
        i, j = rng.sample(free, 2)
        out[i], out[j] = out[j], out[i]
    return out
