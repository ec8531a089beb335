"""LayerNorm with the unbiased variance (``x.var()``, dividing by N - 1 instead
of N), in the forward and in the backward's recomputed statistics."""


def _layer_norm_stats(x, dims, eps):
    centred = x - x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True)  # torch's default: unbiased
    return centred, torch.rsqrt(var + eps)
