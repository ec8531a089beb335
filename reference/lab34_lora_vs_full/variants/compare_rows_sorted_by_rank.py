"""compare sorts the LoRA rows by rank instead of keeping the order given."""

_compare_reference = compare


def compare(config=None, ranks=(1, 2, 4, 8), **kwargs):
    return _compare_reference(config, tuple(sorted(ranks)), **kwargs)
