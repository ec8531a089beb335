"""The token file is memory-mapped in read-write mode ('r+'): a stray write would change the corpus on disk."""


def load_tokens(path):
    return np.memmap(path, dtype=np.uint16, mode="r+")
