"""sha256_file hashes only the first megabyte (one read, no loop)."""


def sha256_file(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read(1 << 20)).hexdigest()
