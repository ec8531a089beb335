"""unpack_int4(signed=True) returns the raw nibbles 0..15 as int8, without sign extension (0xF stays 15, not -1)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def unpack_int4(packed, signed=False):
    if packed.dtype != torch.uint8 or packed.dim() == 0:
        raise ValueError("packed must be a torch.uint8 tensor")
    p = packed.long()
    codes = torch.stack([p & 0xF, p >> 4], dim=-1).reshape(*packed.shape[:-1], -1)
    return codes.to(torch.int8 if signed else torch.uint8)
