"""Rollback does not verify the checksums of the release it rolls back to."""


def rollback(root):
    registry = load_registry(root)
    if len(registry["promotions"]) < 2:
        raise ValueError("no previous release to roll back to")
    registry["promotions"].pop()
    registry["current"] = registry["promotions"][-1]
    _save(root, registry)
    return registry
