"""Attention weights as exp(s) / sum exp(s) without subtracting the maximum: overflows for large scores."""

import math
import torch


_checked_pool = temporal_pool


def temporal_pool(embeddings, mask=None, mode="mean", query=None):
    out = _checked_pool(embeddings, mask, mode, query)
    if mode != "attention":
        return out
    valid = torch.ones(embeddings.shape[:2], dtype=torch.bool) if mask is None else mask != 0
    w = torch.exp(embeddings @ query.to(embeddings) / math.sqrt(embeddings.shape[-1])) * valid
    return torch.einsum("bt,btd->bd", w / w.sum(dim=1, keepdim=True), embeddings.masked_fill(~valid[..., None], 0))
