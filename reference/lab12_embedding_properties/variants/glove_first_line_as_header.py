"""The GloVe reader treats the first line as a word2vec header and skips it,
losing the first word (GloVe files have no header)."""


def read_glove(path):
    with open(path, encoding="utf-8") as f:
        f.readline()
        words, vectors = _parse_rows(f, None)
    if not words:
        raise ValueError("the file holds no vectors")
    return words, vectors
