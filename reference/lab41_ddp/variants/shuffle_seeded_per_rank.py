"""The shuffle is seeded with seed + epoch + rank: the ranks shuffle differently and their shards overlap."""

_reference_shard_indices = shard_indices


def shard_indices(dataset_len, num_replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False):
    return _reference_shard_indices(dataset_len, num_replicas, rank, shuffle, seed + rank, epoch, drop_last)
