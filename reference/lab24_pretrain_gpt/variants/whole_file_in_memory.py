"""The whole token file is read into memory (np.fromfile) instead of being memory-mapped."""


def load_tokens(path):
    data = np.fromfile(path, dtype=np.uint16)
    if data.size == 0 or Path(path).stat().st_size % 2:
        raise ValueError("empty or odd-sized token file")
    return data
