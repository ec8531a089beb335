"""training_bytes forgets the float32 master copy in mixed precision (12 bytes per parameter in bf16)."""


def training_bytes(num_parameters, dtype="float32"):
    if dtype not in ("float32", "float16", "bfloat16") or num_parameters < 0:
        raise ValueError("bad arguments")
    return num_parameters * (2 * DTYPE_BYTES[dtype] + 8)
