"""promote puts a release into production even when its gates failed."""


def promote(root, version):
    registry = load_registry(root)
    record = _find(registry, version)
    if _verify(root, record):
        raise ValueError("artifacts do not match")
    if registry["current"] != version:
        registry["promotions"].append(version)
        registry["current"] = version
        _save(root, registry)
    return registry
