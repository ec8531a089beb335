"""Quantising divides by the scale and dequantising multiplies: the scale is used upside down."""


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
    y = x / scale
    if saturate:
        y = y.clamp(-top, top)
    codes = y.to(dtype).view(torch.uint8)
    if not saturate and fmt == "e4m3":
        overflow = y.abs() > 464.0
        codes = torch.where(overflow, torch.where(y < 0, 0xFF, 0x7F).to(torch.uint8), codes)
    return codes, scale


def fp8_dequantize(codes, fmt, scale):
    dtype, _, _ = _fp8(fmt)
    if codes.dtype != torch.uint8:
        raise ValueError("codes must be uint8")
    return codes.view(dtype).float() * float(scale)
