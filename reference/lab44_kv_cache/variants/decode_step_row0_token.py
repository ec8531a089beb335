"""decode_step feeds the first row's token to every row."""

def decode_step(
    params: dict[str, torch.Tensor], token_ids: torch.Tensor, cache: KVCache, n_head: int, *, eps: float = 1e-5
) -> torch.Tensor:
    return forward_cached(params, token_ids[:1, None].expand(token_ids.shape[0], 1), cache, n_head, eps=eps)[:, -1]
