"""ZeRO-1 shards end one entry early (stop = start + chunk - 1): one entry per rank is never updated."""


def shard_range(numel, world_size, rank):
    if numel < 0 or world_size < 1 or not 0 <= rank < world_size:
        raise ValueError("bad arguments")
    chunk = math.ceil(numel / world_size)
    start = min(rank * chunk, numel)
    return start, max(start, min(start + chunk - 1, numel))
