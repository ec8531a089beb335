"""Ids that do not fit in 16 bits are silently wrapped around (astype) instead of raising ValueError."""


def write_tokens(ids, path):
    arr = np.asarray(ids)
    arr.astype("<u2").tofile(path)
    return int(arr.size)
