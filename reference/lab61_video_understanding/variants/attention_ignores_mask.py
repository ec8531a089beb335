"""Attention pooling softmaxes over every position, padding included."""

import math
import torch


_checked_pool = temporal_pool


def temporal_pool(embeddings, mask=None, mode="mean", query=None):
    out = _checked_pool(embeddings, mask, mode, query)
    if mode != "attention":
        return out
    weights = torch.softmax(embeddings @ query.to(embeddings) / math.sqrt(embeddings.shape[-1]), dim=1)
    return torch.einsum("bt,btd->bd", weights, embeddings)
