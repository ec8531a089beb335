"""int4 codes packed in the wrong order: code 2j in the high nibble and 2j+1 in the low one (unpacked to match)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def pack_int4(codes):
    if codes.dim() == 0 or codes.is_floating_point() or codes.dtype == torch.bool:
        raise ValueError("codes must be an integer tensor with at least one dimension")
    if codes.shape[-1] % 2:
        raise ValueError("the last dimension must be even")
    c = codes.long()
    if c.numel() and (int(c.min()) < -8 or int(c.max()) > 15):
        raise ValueError("4-bit codes must lie in [-8, 15]")
    c = c & 0xF
    return ((c[..., 0::2] << 4) | c[..., 1::2]).to(torch.uint8)


def unpack_int4(packed, signed=False):
    if packed.dtype != torch.uint8 or packed.dim() == 0:
        raise ValueError("packed must be a torch.uint8 tensor")
    p = packed.long()
    codes = torch.stack([p >> 4, p & 0xF], dim=-1).reshape(*packed.shape[:-1], -1)
    if signed:
        return (codes - ((codes & 0x8) << 1)).to(torch.int8)
    return codes.to(torch.uint8)
