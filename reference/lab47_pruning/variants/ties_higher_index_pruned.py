"""Ties in unstructured pruning prune the higher flat index first (torch.topk-like order not pinned down)."""


def _keep_mask(scores, k):
    flat = scores.reshape(-1)
    keep = torch.ones(flat.numel(), dtype=torch.bool)
    if k > 0:
        order = flat.numel() - 1 - torch.argsort(flat.flip(0), stable=True)
        keep[order[:k]] = False
    return keep.reshape(scores.shape)
