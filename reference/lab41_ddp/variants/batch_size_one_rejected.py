"""ddp_train and zero_train reject batch_size = 1 (<= 1 instead of < 1)."""


def _sizes(config: dict) -> tuple[int, int]:
    if batch_size <= 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    return batch_size, epochs
