"""FNV-1 instead of FNV-1a: multiplies by the prime before XOR-ing the byte
in, which gives different hashes (and buckets)."""


def fnv1a_32(text):
    h = FNV_OFFSET_BASIS
    for byte in text.encode("utf-8"):
        h = ((h * FNV_PRIME) & 0xFFFFFFFF) ^ byte
    return h
