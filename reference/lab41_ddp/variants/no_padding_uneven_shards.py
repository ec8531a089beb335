"""Without drop_last the order is not padded: the first ranks get one index more than the others."""


def shard_indices(dataset_len, num_replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False):
    if dataset_len < 0 or num_replicas < 1 or not 0 <= rank < num_replicas:
        raise ValueError("bad arguments")
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        order = torch.randperm(dataset_len, generator=g).tolist()
    else:
        order = list(range(dataset_len))
    if drop_last:
        total = (dataset_len // num_replicas) * num_replicas
        order = order[:total]
    return order[rank::num_replicas]
