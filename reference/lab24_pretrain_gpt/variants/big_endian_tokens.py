"""The ids are written big-endian ('>u2') instead of little-endian."""


def write_tokens(ids, path):
    arr = np.asarray(ids)
    if arr.size and (arr.min() < 0 or arr.max() > 65535):
        raise ValueError("token ids must be in 0 .. 65535")
    arr.astype(">u2").tofile(path)
    return int(arr.size)
