"""load_balancing_loss leaves out the num_experts factor: sum_i f_i * P_i."""

_real_load_balancing_loss = load_balancing_loss


def load_balancing_loss(router_logits, k):
    return _real_load_balancing_loss(router_logits, k) / router_logits.shape[-1]
