"""Right but slow: generate always recomputes the whole sequence (use_cache is ignored). A timed variant: loses kernel points."""

@torch.no_grad()
def generate(
    params: dict[str, torch.Tensor],
    input_ids: torch.Tensor,
    max_new_tokens: int,
    n_head: int,
    *,
    window: int | None = None,
    use_cache: bool = True,
    do_sample: bool = False,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    batch, prompt_len = input_ids.shape
    if max_new_tokens < 0 or prompt_len < 1 or prompt_len + max_new_tokens > model_sizes(params)["n_positions"]:
        raise ValueError("need max_new_tokens >= 0, a non-empty prompt, and room in n_positions")
    if window is not None and window < 1:
        raise ValueError("window must be >= 1")
    if do_sample and (not temperature > 0 or (top_k is not None and top_k < 1)):
        raise ValueError("need temperature > 0 and top_k >= 1")
    generator = torch.Generator().manual_seed(seed) if do_sample and seed is not None else None
    tokens = torch.empty(batch, prompt_len + max_new_tokens, dtype=torch.long)
    tokens[:, :prompt_len] = input_ids
    if max_new_tokens == 0:
        return tokens
    use_cache = False
    if use_cache:
        logits, cache = prefill(params, input_ids, n_head, window=window, eps=eps)
        logits = logits[:, -1]
    else:
        logits = forward(params, input_ids, n_head, window=window, eps=eps)[:, -1]
    for t in range(prompt_len, prompt_len + max_new_tokens):
        tokens[:, t] = _next_tokens(logits, do_sample, temperature, top_k, generator)
        if t + 1 == prompt_len + max_new_tokens:
            break
        if use_cache:
            logits = decode_step(params, tokens[:, t], cache, n_head, eps=eps)
        else:
            logits = forward(params, tokens[:, : t + 1], n_head, window=window, eps=eps)[:, -1]
    return tokens
