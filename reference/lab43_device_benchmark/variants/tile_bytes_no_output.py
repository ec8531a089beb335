"""The output block writes are not counted."""


def tiled_matmul_bytes(m: int, n: int, k: int, tile: int, dtype: torch.dtype | str = torch.float32) -> int:
    _check_counts(m, n, k)
    if tile < 1:
        raise ValueError(f"tile must be >= 1, got {tile}")
    row_blocks, col_blocks = -(-m // tile), -(-n // tile)
    return (m * k * col_blocks + k * n * row_blocks) * dtype_size(dtype)
