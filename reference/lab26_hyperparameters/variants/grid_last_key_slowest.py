"""The grid is enumerated with the last key varying slowest (the reverse of the documented product order)."""


def grid_configs(space):
    keys = list(space)
    combos = itertools.product(*(space[k] for k in reversed(keys)))
    return [{k: dict(zip(reversed(keys), values))[k] for k in keys} for values in combos]
