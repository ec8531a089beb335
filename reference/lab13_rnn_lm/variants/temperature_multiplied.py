"""Temperature applied as softmax(logits * T) instead of softmax(logits / T)."""


def temperature_probs(logits, temperature=1.0):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits * temperature, dim=-1)
