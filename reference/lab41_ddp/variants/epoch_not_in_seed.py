"""shard_indices seeds the shuffle with seed alone: the epoch never changes the order."""

_reference_shard_indices = shard_indices


def shard_indices(dataset_len, num_replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False):
    return _reference_shard_indices(dataset_len, num_replicas, rank, shuffle, seed, 0, drop_last)
