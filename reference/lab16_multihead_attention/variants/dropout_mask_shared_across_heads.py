"""Draws one dropout mask per batch element and broadcasts it over the heads:
the fraction dropped is right, but every head drops the same weights."""


def attention_heads(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    num_heads: int,
    *,
    attn_mask: torch.Tensor | None = None,
    key_padding_mask: torch.Tensor | None = None,
    is_causal: bool = False,
    need_weights: bool = False,
    average_attn_weights: bool = True,
    dropout_p: float = 0.0,
    training: bool = False,
    use_sdpa: bool = False,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    if any(t.dim() != 3 for t in (q, k, v)):
        raise ValueError("q, k and v must be 3-D (batch, sequence, features)")
    (B, L, D), S = q.shape, k.shape[1]
    if k.shape != (B, S, D) or v.shape != (B, S, D):
        raise ValueError(f"k and v must be ({B}, S, {D}) and of the same shape, got {tuple(k.shape)}, {tuple(v.shape)}")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p must be in [0, 1), got {dropout_p}")
    qh, kh, vh = (split_heads(t, num_heads) for t in (q, k, v))
    p = dropout_p if training else 0.0

    if use_sdpa and not need_weights:
        if attn_mask is None and key_padding_mask is None:
            out = F.scaled_dot_product_attention(qh, kh, vh, dropout_p=p, is_causal=is_causal)
        else:
            mask = build_attention_mask(
                B, num_heads, L, S, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, dtype=q.dtype
            )
            out = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=mask, dropout_p=p)
        return merge_heads(out), None

    scores = (qh * (1.0 / math.sqrt(qh.shape[-1]))) @ kh.transpose(-2, -1)
    mask = build_attention_mask(
        B, num_heads, L, S, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal, dtype=q.dtype
    )
    if mask is not None:
        scores = scores + mask
    weights = torch.softmax(scores, dim=-1)
    if p > 0.0:
        weights = weights * (torch.rand_like(weights[:, :1]) >= p) / (1 - p)
    output = merge_heads(weights @ vh)
    if not need_weights:
        return output, None
    return output, weights.mean(dim=1) if average_attn_weights else weights
