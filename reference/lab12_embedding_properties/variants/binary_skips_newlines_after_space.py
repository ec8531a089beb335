"""The binary reader skips newline bytes after the word's space as well as
before the word, so a vector whose first bytes are 0x0A loses them and every
later entry is read from the wrong offset."""


def read_word2vec_binary(path):
    data = open(path, "rb").read()
    end = data.find(b"\n")
    if end < 0:
        raise ValueError("no header line")
    count, dim = _parse_header(data[:end].decode("utf-8"))
    words, vectors, pos = [], np.empty((count, dim), dtype=np.float32), end + 1
    for i in range(count):
        while data[pos : pos + 1] == b"\n":
            pos += 1
        space = data.find(b" ", pos)
        if space <= pos:
            raise ValueError("truncated file")
        words.append(data[pos:space].decode("utf-8"))
        start = space + 1
        while data[start : start + 1] == b"\n":
            start += 1
        if start + 4 * dim > len(data):
            raise ValueError("truncated file")
        vectors[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=start)
        pos = start + 4 * dim
    return words, vectors
