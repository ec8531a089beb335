"""Applies dropout to detached weights: the values are right, but no gradient
flows to the query and key once dropout is on."""


def scaled_dot_product_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    *,
    key_padding_mask: torch.Tensor | None = None,
    training: bool = True,
    generator: torch.Generator | None = None,
    need_weights: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    E, E_key = query.shape[-1], key.shape[-1]
    S, S_value = key.shape[-2], value.shape[-2]
    if E != E_key:
        raise ValueError(f"query and key feature sizes differ: {E} != {E_key}")
    if S != S_value:
        raise ValueError(f"key and value lengths differ: {S} != {S_value}")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p must be in [0, 1), got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise ValueError("give either attn_mask or is_causal=True, not both")

    if scale is None:
        scale = 1.0 / math.sqrt(E)
    scores = (query * scale) @ key.transpose(-2, -1)  # scaling Q (L*E) is cheaper than the scores (L*S)

    neg_inf = float("-inf")
    if is_causal:
        L, S = scores.shape[-2:]
        allowed = torch.ones(L, S, dtype=torch.bool, device=scores.device).tril()
        scores = scores.masked_fill(~allowed, neg_inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = torch.where(attn_mask, scores, neg_inf)
        else:
            scores = scores + attn_mask
    if key_padding_mask is not None:
        scores = torch.where(key_padding_mask.unsqueeze(-2), neg_inf, scores)

    weights = softmax(scores, dim=-1)
    if training and dropout_p > 0.0:
        keep = torch.rand(weights.shape, generator=generator, device=weights.device) >= dropout_p
        weights = weights.detach() * keep / (1.0 - dropout_p)

    output = weights @ value
    return (output, weights) if need_weights else output
