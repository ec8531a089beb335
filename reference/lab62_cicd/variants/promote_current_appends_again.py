"""Promoting the release that is already current appends it to the history again (not idempotent)."""


def promote(root, version):
    registry = load_registry(root)
    record = _find(registry, version)
    if not record["gates"]["passed"]:
        raise ValueError("failed its gates")
    if _verify(root, record):
        raise ValueError("artifacts do not match")
    registry["promotions"].append(version)
    registry["current"] = version
    _save(root, registry)
    return registry
