"""Applies the masks after the softmax: the weights are multiplied by the
allowed positions (causal, bool attn_mask, key padding) and the rows are not
renormalised, so they no longer sum to 1. Float masks are still added."""


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
        scale = 1.0 / math.sqrt(query.shape[-1])
    scores = (query * scale) @ key.transpose(-2, -1)
    if attn_mask is not None and attn_mask.dtype != torch.bool:
        scores = scores + attn_mask

    weights = softmax(scores, dim=-1)
    if is_causal:
        weights = weights * torch.ones(weights.shape[-2:], dtype=torch.bool).tril()
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        weights = weights * attn_mask
    if key_padding_mask is not None:
        weights = weights * ~key_padding_mask.unsqueeze(-2)
    if training and dropout_p > 0.0:
        keep = torch.rand(weights.shape, generator=generator, device=weights.device) >= dropout_p
        weights = weights * keep / (1.0 - dropout_p)

    output = weights @ value
    return (output, weights) if need_weights else output
