"""top_p_filter keeps only the tokens whose cumulative probability (most likely
first) stays within top_p, dropping the token that crosses the threshold."""


def top_p_filter(logits, top_p, *, filter_value=float("-inf"), min_tokens_to_keep=1):
    if not 0.0 <= top_p <= 1.0 or min_tokens_to_keep < 1:
        raise ValueError("bad top_p")
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cumulative > top_p
    remove[..., :min_tokens_to_keep] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), filter_value)
