"""movement_mask prunes the smallest |score| instead of the lowest signed score."""


def movement_mask(scores, amount):
    return _keep_mask(scores.detach().abs(), _n_to_prune(amount, scores.numel()))
