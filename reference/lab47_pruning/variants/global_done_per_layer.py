"""Global pruning prunes the same fraction of every layer instead of ranking all layers together."""


def global_l1_masks(weights, amount):
    if len(weights) == 0:
        raise ValueError("weights is empty")
    total = sum(w.numel() for w in weights)
    if isinstance(amount, int) and not isinstance(amount, bool):
        _n_to_prune(amount, total)
        amount = amount / total
    return [l1_unstructured_mask(w, amount) for w in weights]
