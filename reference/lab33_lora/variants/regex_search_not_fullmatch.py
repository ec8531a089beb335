"""A str target is searched anywhere in the name (re.search) instead of matching all of it."""


def matches_target(name, target_modules):
    if isinstance(target_modules, str):
        return re.search(target_modules, name) is not None
    return any(name == t or name.endswith("." + t) for t in target_modules)
