"""The token file holds uint32 ids (4 bytes each) instead of uint16."""


def write_tokens(ids, path):
    arr = np.asarray(ids)
    if arr.size and (arr.min() < 0 or arr.max() > 65535):
        raise ValueError("token ids must be in 0 .. 65535")
    arr.astype(np.uint32).tofile(path)
    return int(arr.size)
