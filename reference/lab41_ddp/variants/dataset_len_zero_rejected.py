"""shard_indices rejects an empty dataset (dataset_len = 0), which DistributedSampler accepts."""

_reference_shard_indices = shard_indices


def shard_indices(dataset_len, num_replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False):
    if dataset_len <= 0:
        raise ValueError("empty dataset")
    return _reference_shard_indices(dataset_len, num_replicas, rank, shuffle, seed, epoch, drop_last)
