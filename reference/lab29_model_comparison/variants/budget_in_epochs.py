"""The budget is counted in epochs: batch_order gives every batch of max_steps epochs instead of max_steps batches."""


def batch_order(n_examples, batch_size, max_steps, seed):
    if n_examples < 1 or batch_size < 1 or max_steps < 0:
        raise ValueError("need n_examples >= 1, batch_size >= 1 and max_steps >= 0")
    g = torch.Generator().manual_seed(seed)
    batches = []
    for _ in range(max_steps):
        perm = torch.randperm(n_examples, generator=g).tolist()
        batches.extend(perm[s : s + batch_size] for s in range(0, n_examples, batch_size))
    return batches
