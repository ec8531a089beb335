"""batch_order drops the short last slice of each epoch (drop_last=True) instead of keeping it."""


def batch_order(n_examples, batch_size, max_steps, seed):
    if n_examples < 1 or batch_size < 1 or max_steps < 0:
        raise ValueError("need n_examples >= 1, batch_size >= 1 and max_steps >= 0")
    g = torch.Generator().manual_seed(seed)
    batches = []
    while len(batches) < max_steps:
        perm = torch.randperm(n_examples, generator=g).tolist()
        full = [perm[s : s + batch_size] for s in range(0, n_examples, batch_size)]
        full = [b for b in full if len(b) == batch_size] or full
        batches.extend(full)
    return batches[:max_steps]
