"""shard_indices ignores the rank: every rank trains on rank 0's shard."""

_reference_shard_indices = shard_indices


def shard_indices(dataset_len, num_replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False):
    _reference_shard_indices(dataset_len, num_replicas, rank, shuffle, seed, epoch, drop_last)
    return _reference_shard_indices(dataset_len, num_replicas, 0, shuffle, seed, epoch, drop_last)
