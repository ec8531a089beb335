"""LayerNorm with the one-pass variance ``E[x^2] - E[x]^2``: mathematically right,
but catastrophic cancellation ruins it in float32 when the mean is large
compared with the spread (inputs like 1e4 + noise)."""


def _layer_norm_stats(x, dims, eps):
    mean = x.mean(dim=dims, keepdim=True)
    var = (x * x).mean(dim=dims, keepdim=True) - mean * mean
    return x - mean, torch.rsqrt(var + eps)
