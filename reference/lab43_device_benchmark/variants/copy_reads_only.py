"""Counts only the bytes read by a STREAM kernel (copy: 1 array instead of 2, add: 2 instead of 3)."""


def stream_bytes(kernel, numel, dtype=torch.float32):
    if kernel not in _STREAM:
        raise ValueError(f"unknown kernel {kernel!r}")
    _check_counts(numel)
    return (_STREAM[kernel][0] - 1) * numel * dtype_size(dtype)
