"""Sampling never divides the logits by the temperature."""

def _next_tokens(logits: torch.Tensor, do_sample: bool, temperature: float, top_k: int | None, generator) -> torch.Tensor:
    logits = logits.float()
    if not do_sample:
        return logits.argmax(dim=-1)
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.multinomial(logits.softmax(dim=-1), num_samples=1, generator=generator).view(-1)
