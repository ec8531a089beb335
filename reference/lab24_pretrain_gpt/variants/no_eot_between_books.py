"""The books are concatenated without an EOT token after each."""


def build_token_file(paths, out_path):
    ids = []
    for path in paths:
        ids += encode(read_book(path))
    return write_tokens(ids, out_path)
