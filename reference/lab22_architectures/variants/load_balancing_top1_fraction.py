"""load_balancing_loss counts only each token's first expert in f_i, whatever k is."""

_real_load_balancing_loss = load_balancing_loss


def load_balancing_loss(router_logits, k):
    if not 1 <= k <= router_logits.shape[-1]:
        raise ValueError("k out of range")
    return _real_load_balancing_loss(router_logits, 1)
