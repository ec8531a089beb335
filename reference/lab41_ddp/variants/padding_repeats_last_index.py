"""The padding repeats the last index of the order instead of the order from its start."""


def shard_indices(dataset_len, num_replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False):
    if dataset_len < 0 or num_replicas < 1 or not 0 <= rank < num_replicas:
        raise ValueError("bad arguments")
    if drop_last and dataset_len % num_replicas != 0:
        num_samples = math.ceil((dataset_len - num_replicas) / num_replicas)
    else:
        num_samples = math.ceil(dataset_len / num_replicas)
    total = num_samples * num_replicas
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        order = torch.randperm(dataset_len, generator=g).tolist()
    else:
        order = list(range(dataset_len))
    if drop_last:
        order = order[:total]
    elif order:
        order = order + [order[-1]] * (total - len(order))
    return order[rank:total:num_replicas]
