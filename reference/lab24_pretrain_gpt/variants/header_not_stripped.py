"""build_token_file tokenizes the whole decoded file: header and licence included."""


def build_token_file(paths, out_path):
    ids = []
    for path in paths:
        raw = Path(path).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        strip_gutenberg(text)  # still raises for a file without markers
        ids += encode("\n".join(text.splitlines()).strip()) + [EOT]
    return write_tokens(ids, out_path)
