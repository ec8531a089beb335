"""top_k_routing breaks ties between equal probabilities by the higher expert index."""


def top_k_routing(router_logits, k, *, normalize=True):
    num_experts = router_logits.shape[-1]
    if not 1 <= k <= num_experts:
        raise ValueError("k out of range")
    probs = torch.softmax(router_logits.float(), dim=-1).flip(-1)
    weights, experts = torch.sort(probs, dim=-1, descending=True, stable=True)
    weights, experts = weights[..., :k], num_experts - 1 - experts[..., :k]
    if normalize:
        weights = weights / weights.sum(dim=-1, keepdim=True)
    return weights, experts
