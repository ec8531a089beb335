"""Tile < 1 is silently taken as 1 instead of raising ValueError."""


def tiled_matmul(a: torch.Tensor, b: torch.Tensor, tile: int = 64) -> torch.Tensor:
    if a.dim() != 2 or b.dim() != 2:
        raise ValueError(f"tiled_matmul needs 2-D matrices, got {a.dim()}-D and {b.dim()}-D")
    (m, k), (k2, n) = a.shape, b.shape
    if k != k2:
        raise ValueError(f"inner sizes differ: a is {tuple(a.shape)}, b is {tuple(b.shape)}")
    if a.dtype != b.dtype or a.device != b.device:
        raise ValueError(f"a and b differ: {a.dtype} on {a.device} vs {b.dtype} on {b.device}")
    if a.dtype not in _FLOATS:
        raise ValueError(f"tiled_matmul needs a floating dtype, got {a.dtype}")
    tile = max(tile, 1)
    acc = _accumulator(a.dtype)
    out = torch.empty((m, n), dtype=a.dtype, device=a.device)
    block = torch.empty((min(tile, m), min(tile, n)), dtype=acc, device=a.device)
    for i in range(0, m, tile):
        for j in range(0, n, tile):
            c = block[: min(tile, m - i), : min(tile, n - j)]
            c.zero_()
            for p in range(0, k, tile):
                c.addmm_(a[i : i + tile, p : p + tile].to(acc), b[p : p + tile, j : j + tile].to(acc))
            out[i : i + tile, j : j + tile] = c
    return out
