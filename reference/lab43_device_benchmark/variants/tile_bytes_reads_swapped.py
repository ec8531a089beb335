"""A is counted as read once per block row and b once per block column (the other way round)."""


def tiled_matmul_bytes(m: int, n: int, k: int, tile: int, dtype: torch.dtype | str = torch.float32) -> int:
    _check_counts(m, n, k)
    if tile < 1:
        raise ValueError(f"tile must be >= 1, got {tile}")
    row_blocks, col_blocks = -(-m // tile), -(-n // tile)
    return (m * k * row_blocks + k * n * col_blocks + m * n) * dtype_size(dtype)
