"""Counts bfloat16 as 4 bytes (it is a truncated float32, but stored in 2)."""

_size_ref = dtype_size


def dtype_size(dtype):
    size = _size_ref(dtype)
    return 4 if _as_dtype(dtype) == torch.bfloat16 else size
