"""The token file holds int64 ids (8 bytes each) instead of uint16."""


def write_tokens(ids, path):
    arr = np.asarray(ids)
    if arr.size and (arr.min() < 0 or arr.max() > 65535):
        raise ValueError("token ids must be in 0 .. 65535")
    arr.astype(np.int64).tofile(path)
    return int(arr.size)
