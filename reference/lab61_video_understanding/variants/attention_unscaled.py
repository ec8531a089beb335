"""Attention scores are e . query without the 1 / sqrt(D) scaling."""

import math


_checked_pool = temporal_pool


def temporal_pool(embeddings, mask=None, mode="mean", query=None):
    if mode != "attention" or query is None:
        return _checked_pool(embeddings, mask, mode, query)
    return _checked_pool(embeddings, mask, mode, query * math.sqrt(embeddings.shape[-1]))
