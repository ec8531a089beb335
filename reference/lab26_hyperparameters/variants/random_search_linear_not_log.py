"""A "log": True range is drawn uniformly in the value, not in its logarithm."""


def _draw(spec, rng):
    if not isinstance(spec, Mapping):
        return spec[rng.integers(len(spec))]
    return float(rng.uniform(spec["low"], spec["high"]))
