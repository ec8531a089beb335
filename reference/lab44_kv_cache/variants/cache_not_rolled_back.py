"""Speculative decoding never crops the target's cache: rejected proposals stay in it."""

@torch.no_grad()
def speculative_generate(
    target_params: dict[str, torch.Tensor],
    draft_params: dict[str, torch.Tensor],
    input_ids: torch.Tensor,
    max_new_tokens: int,
    *,
    target_n_head: int,
    draft_n_head: int,
    num_draft: int = 4,
    eps: float = 1e-5,
) -> tuple[torch.Tensor, dict]:
    target, draft = model_sizes(target_params), model_sizes(draft_params)
    if input_ids.dim() != 2 or input_ids.shape[0] != 1 or input_ids.shape[1] < 1:
        raise ValueError("input_ids must be one sequence, (1, prompt_len >= 1)")
    prompt_len = input_ids.shape[1]
    total = prompt_len + max_new_tokens
    if max_new_tokens < 0 or num_draft < 1:
        raise ValueError("need max_new_tokens >= 0 and num_draft >= 1")
    if target["vocab_size"] != draft["vocab_size"]:
        raise ValueError("the target and the draft have different vocabularies")
    if total > min(target["n_positions"], draft["n_positions"]):
        raise ValueError("the result would not fit in n_positions")

    tokens = input_ids[0].tolist()
    target_cache, draft_cache = KVCache(target["n_layer"]), KVCache(draft["n_layer"])
    stats = {"rounds": 0, "proposed": 0, "accepted": 0}
    while len(tokens) < total:
        m = min(num_draft, total - len(tokens) - 1)
        proposals = []
        for _ in range(m):
            pending = (tokens + proposals)[draft_cache.get_seq_length() :]
            logits = forward_cached(draft_params, torch.tensor([pending]), draft_cache, draft_n_head, eps=eps)
            proposals.append(int(logits[0, -1].argmax()))
        pending = (tokens + proposals)[target_cache.get_seq_length() :]
        logits = forward_cached(target_params, torch.tensor([pending]), target_cache, target_n_head, eps=eps)
        choices = logits[0, -(m + 1) :].argmax(dim=-1).tolist()
        accepted = 0
        while accepted < m and proposals[accepted] == choices[accepted]:
            accepted += 1
        tokens += proposals[:accepted] + [choices[accepted]]
        # the newest token has not been through either model yet
        draft_cache.crop(min(draft_cache.get_seq_length(), len(tokens) - 1))
        stats["rounds"] += 1
        stats["proposed"] += m
        stats["accepted"] += accepted
    stats["acceptance_rate"] = stats["accepted"] / stats["proposed"] if stats["proposed"] else 0.0
    return torch.tensor([tokens], dtype=torch.long), stats
