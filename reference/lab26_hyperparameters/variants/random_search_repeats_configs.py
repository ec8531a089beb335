"""Random search keeps repeated configs instead of discarding them (and evaluates duplicates)."""


def random_configs(space, n, seed):
    if n < 0:
        raise ValueError("n must be non-negative")
    for spec in space.values():
        if isinstance(spec, Mapping):
            if not spec["low"] < spec["high"] or (spec.get("log", False) and spec["low"] <= 0):
                raise ValueError("bad range")
        elif len(spec) == 0:
            raise ValueError("a choice list is empty")
    rng = np.random.default_rng(seed)
    return [{key: _draw(spec, rng) for key, spec in space.items()} for _ in range(n)]
