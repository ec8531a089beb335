"""top_k_filter keeps exactly the k indices torch.topk returns, dropping logits
tied with the k-th (transformers keeps every logit >= the k-th value)."""


def top_k_filter(logits, top_k, *, filter_value=float("-inf"), min_tokens_to_keep=1):
    if top_k < 1 or min_tokens_to_keep < 1:
        raise ValueError("bad top_k")
    k = min(max(top_k, min_tokens_to_keep), logits.shape[-1])
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k, dim=-1).indices, True)
    return logits.masked_fill(~keep, filter_value)
