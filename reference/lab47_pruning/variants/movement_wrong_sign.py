"""Movement scores are +sum W * grad (the sign of Sanh et al. flipped)."""

_ms_orig = movement_scores


def movement_scores(weights, grads):
    return -_ms_orig(weights, grads)
