"""load_registry writes an empty registry when none exists."""

_reference_load_registry = load_registry


def load_registry(root):
    registry = _reference_load_registry(root)
    if not os.path.exists(os.path.join(root, REGISTRY)):
        _save(root, registry)
    return registry
