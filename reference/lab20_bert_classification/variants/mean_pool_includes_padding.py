"""Mean pooling averages over every position, padding included (the attention mask is ignored)."""


def pool(hidden, attention_mask, method):
    if method == "cls":
        return hidden[:, 0]
    if method == "mean":
        return hidden.mean(dim=1)
    raise ValueError(f"unknown pooling method {method!r}")
