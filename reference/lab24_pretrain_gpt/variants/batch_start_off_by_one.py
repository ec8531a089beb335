"""The window starts are drawn from len(tokens) - block_size - 1 values: the last window is never drawn."""


def get_batch(tokens, batch_size, block_size, generator=None):
    if batch_size < 1 or block_size < 1:
        raise ValueError("batch_size and block_size must be at least 1")
    if len(tokens) <= block_size + 1:
        raise ValueError("too few tokens")
    starts = torch.randint(len(tokens) - block_size - 1, (batch_size,), generator=generator).numpy()
    windows = torch.from_numpy(tokens[starts[:, None] + np.arange(block_size + 1)].astype(np.int64))
    return windows[:, :-1], windows[:, 1:]
