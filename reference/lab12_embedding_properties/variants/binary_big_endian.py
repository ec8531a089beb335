"""The binary reader decodes the float32 values as big-endian ('>f4') instead of
little-endian, giving garbage vectors."""


def read_word2vec_binary(path):
    data = open(path, "rb").read()
    end = data.find(b"\n")
    count, dim = _parse_header(data[:end].decode("utf-8"))
    words, vectors, pos = [], np.empty((count, dim), dtype=np.float32), end + 1
    for i in range(count):
        while data[pos : pos + 1] == b"\n":
            pos += 1
        space = data.find(b" ", pos)
        if space <= pos or space + 1 + 4 * dim > len(data):
            raise ValueError("truncated file")
        words.append(data[pos:space].decode("utf-8"))
        vectors[i] = np.frombuffer(data, dtype=">f4", count=dim, offset=space + 1)
        pos = space + 1 + 4 * dim
    return words, vectors
