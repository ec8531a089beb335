"""get_batch returns the inputs themselves as targets: the model learns to copy its input."""


def get_batch(tokens, batch_size, block_size, generator=None):
    if batch_size < 1 or block_size < 1:
        raise ValueError("batch_size and block_size must be at least 1")
    if len(tokens) <= block_size:
        raise ValueError("too few tokens")
    starts = torch.randint(len(tokens) - block_size, (batch_size,), generator=generator).numpy()
    x = torch.from_numpy(tokens[starts[:, None] + np.arange(block_size)].astype(np.int64))
    return x, x.clone()
