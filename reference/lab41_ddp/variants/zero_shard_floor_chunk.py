"""ZeRO-1 shards use chunk = numel // world_size: the last entries belong to no rank."""


def shard_range(numel, world_size, rank):
    if numel < 0 or world_size < 1 or not 0 <= rank < world_size:
        raise ValueError("bad arguments")
    chunk = numel // world_size
    start = min(rank * chunk, numel)
    return start, min(start + chunk, numel)
