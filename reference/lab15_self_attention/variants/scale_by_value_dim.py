"""Scales the scores by 1/sqrt(Ev), the value size, instead of 1/sqrt(E), the
query/key size (only differs when Ev != E)."""


def scaled_dot_product_attention(
    query,
    key,
    value,
    attn_mask=None,
    dropout_p=0.0,
    is_causal=False,
    scale=None,
    *,
    key_padding_mask=None,
    training=True,
    generator=None,
    need_weights=False,
):
    if query.shape[-1] != key.shape[-1]:
        raise ValueError("query and key feature sizes differ")
    if key.shape[-2] != value.shape[-2]:
        raise ValueError("key and value lengths differ")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError("dropout_p must be in [0, 1)")
    if is_causal and attn_mask is not None:
        raise ValueError("give either attn_mask or is_causal=True, not both")

    if scale is None:
        scale = 1.0 / math.sqrt(value.shape[-1])
    scores = (query * scale) @ key.transpose(-2, -1)

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
        weights = weights * keep / (1.0 - dropout_p)

    output = weights @ value
    return (output, weights) if need_weights else output
