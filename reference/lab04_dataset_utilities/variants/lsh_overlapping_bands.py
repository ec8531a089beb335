"""LSH bands that overlap: band j is the sliding window of columns j .. j + rows - 1
instead of j * rows .. (j + 1) * rows - 1, so the bands are not independent and
the candidate probability falls below the S-curve."""


def lsh_candidate_pairs(signatures, bands, rows):
    signatures = np.asarray(signatures)
    if signatures.ndim != 2:
        raise ValueError("signatures must be a 2-D array")
    if bands < 1 or rows < 1 or bands * rows > signatures.shape[1]:
        raise ValueError("bad bands/rows")
    pairs = set()
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band : band + rows])
        buckets = defaultdict(list)
        for i, key in enumerate(block):
            buckets[key.tobytes()].append(i)
        for members in buckets.values():
            pairs.update(combinations(members, 2))
    return sorted(pairs)
