"""Mean pooling zeroes the padding but divides by T, the padded length: padding pulls the mean towards 0."""

_checked_pool = temporal_pool


def temporal_pool(embeddings, mask=None, mode="mean", query=None):
    out = _checked_pool(embeddings, mask, mode, query)
    if mode != "mean" or mask is None:
        return out
    return (embeddings * (mask != 0)[..., None].to(embeddings.dtype)).sum(dim=1) / embeddings.shape[1]
