"""Rollback promotes the previous release again (appends it) instead of removing the last promotion."""


def rollback(root):
    registry = load_registry(root)
    if len(registry["promotions"]) < 2:
        raise ValueError("no previous release to roll back to")
    target = registry["promotions"][-2]
    if _verify(root, _find(registry, target)):
        raise ValueError("artifacts do not match")
    registry["promotions"].append(target)
    registry["current"] = target
    _save(root, registry)
    return registry
