"""temperature_probs computes ``exp(z) / sum(exp(z))`` without subtracting the
maximum: fine for small logits, NaN when a logit divided by the temperature
exceeds about 88 (float32)."""


def temperature_probs(logits, temperature=1.0):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)
    e = torch.exp(logits / temperature)
    return e / e.sum(-1, keepdim=True)
