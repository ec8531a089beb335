"""decode_speed counts the new tokens of one row, not of the whole batch."""

def decode_speed(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, max_new_tokens: int, n_head: int, *, repeats: int = 3
) -> dict[str, float]:
    if repeats < 1 or max_new_tokens < 1:
        raise ValueError("need repeats >= 1 and max_new_tokens >= 1")
    rates = {}
    for name, use_cache in (("cache_tokens_per_s", True), ("no_cache_tokens_per_s", False)):
        generate(params, input_ids, max_new_tokens, n_head, use_cache=use_cache)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            generate(params, input_ids, max_new_tokens, n_head, use_cache=use_cache)
            times.append(time.perf_counter() - start)
        rates[name] = max_new_tokens / statistics.median(times)
    rates["speedup"] = rates["cache_tokens_per_s"] / rates["no_cache_tokens_per_s"]
    return rates
