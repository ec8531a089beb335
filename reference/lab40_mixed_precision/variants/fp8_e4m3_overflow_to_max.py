"""saturate=False trusts torch's e4m3fn cast, which saturates on the CPU: no nan past 464."""


def fp8_quantize(x, fmt="e4m3", scale=None, *, margin=0, saturate=True):
    dtype, top, _ = _fp8(fmt)
    x = x.detach().float()
    if scale is None:
        amax = x.abs().max().item() if x.numel() else 0.0
        scale = fp8_scale(amax, fmt, margin)
    else:
        if margin < 0:
            raise ValueError("margin")
        scale = float(scale)
        if not (scale > 0 and math.isfinite(scale)):
            raise ValueError("scale")
    y = x * scale
    if saturate:
        y = y.clamp(-top, top)
    return y.to(dtype).view(torch.uint8), scale
