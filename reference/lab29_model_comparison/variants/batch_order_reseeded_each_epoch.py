"""batch_order reseeds the generator every epoch, so every epoch repeats the same permutation."""


def batch_order(n_examples, batch_size, max_steps, seed):
    if n_examples < 1 or batch_size < 1 or max_steps < 0:
        raise ValueError("need n_examples >= 1, batch_size >= 1 and max_steps >= 0")
    batches = []
    while len(batches) < max_steps:
        perm = torch.randperm(n_examples, generator=torch.Generator().manual_seed(seed)).tolist()
        batches.extend(perm[s : s + batch_size] for s in range(0, n_examples, batch_size))
    return batches[:max_steps]
