"""Max pooling multiplies by the mask first: padded frames count as zeros and win over negative values."""

_checked_pool = temporal_pool


def temporal_pool(embeddings, mask=None, mode="mean", query=None):
    out = _checked_pool(embeddings, mask, mode, query)
    if mode != "max" or mask is None:
        return out
    return (embeddings * (mask != 0)[..., None].to(embeddings.dtype)).amax(dim=1)
