"""rms_norm subtracts the mean first (LayerNorm without bias) instead of using the raw root mean square."""


def rms_norm(x, weight, eps=1e-6):
    x = x - x.mean(dim=-1, keepdim=True)
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight
