"""[CLS] pooling takes the last position (in a right-padded batch: padding or [SEP]) instead of position 0."""


def pool(hidden, attention_mask, method):
    if method == "cls":
        return hidden[:, -1]
    if method == "mean":
        mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
    raise ValueError(f"unknown pooling method {method!r}")
