"""A target in a list matches any name that contains it ("proj" also hits q_proj, k_proj, ...)."""


def matches_target(name, target_modules):
    if isinstance(target_modules, str):
        return re.fullmatch(target_modules, name) is not None
    return any(t in name for t in target_modules)
