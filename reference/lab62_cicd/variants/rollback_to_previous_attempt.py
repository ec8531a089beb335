"""Rollback goes to the release attempted before the current one (rejected ones included), not the previous promotion."""


def rollback(root):
    registry = load_registry(root)
    if len(registry["promotions"]) < 2:
        raise ValueError("no previous release to roll back to")
    versions = [r["version"] for r in registry["releases"]]
    target = versions[versions.index(registry["current"]) - 1]
    if _verify(root, _find(registry, target)):
        raise ValueError("artifacts do not match")
    registry["promotions"].pop()
    registry["promotions"][-1:] = [target]
    registry["current"] = target
    _save(root, registry)
    return registry
