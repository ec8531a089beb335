"""amax is the largest value, not the largest magnitude: negative peaks overflow."""


def fp8_quantize(x, fmt="e4m3", scale=None, *, margin=0, saturate=True):
    dtype, top, _ = _fp8(fmt)
    x = x.detach().float()
    if scale is None:
        amax = max(x.max().item(), 0.0) if x.numel() else 0.0
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
    codes = y.to(dtype).view(torch.uint8)
    if not saturate and fmt == "e4m3":
        overflow = y.abs() > 464.0
        codes = torch.where(overflow, torch.where(y < 0, 0xFF, 0x7F).to(torch.uint8), codes)
    return codes, scale
