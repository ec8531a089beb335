"""Assumes 4 bytes per element whatever the dtype (float32 everywhere)."""


def dtype_size(dtype):
    _as_dtype(dtype)
    return 4
