"""The issue's mistake: the new tokens are embedded at positions 0.. every time, not at the cache's length."""

def forward_cached(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, cache: KVCache, n_head: int, *, eps: float = 1e-5
) -> torch.Tensor:
    sizes = model_sizes(params)
    if cache.n_layer != sizes["n_layer"]:
        raise ValueError("the cache has a different number of layers than the model")
    x = embed(params, input_ids)
    for layer in range(sizes["n_layer"]):
        q, k, v = qkv(params, layer, x, n_head, eps)
        k, v = cache.update(layer, k, v)
        x = block_output(params, layer, x, attention(q, k, v, cache.window), eps)
    return lm_head(params, x, eps)
