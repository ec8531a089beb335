"""prefill returns only the last position's logits, broadcast to every prompt position."""

def prefill(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, n_head: int, *, window: int | None = None, eps: float = 1e-5
) -> tuple[torch.Tensor, KVCache]:
    cache = KVCache(model_sizes(params)["n_layer"], window)
    logits = forward_cached(params, input_ids, cache, n_head, eps=eps)
    return logits[:, -1:].expand_as(logits), cache
