"""decode uses the strict UTF-8 decoder, so invalid byte sequences (a token
sequence that cuts a character, or arbitrary bytes) raise UnicodeDecodeError
instead of becoming U+FFFD."""


def _decode_strict(self, ids):
    try:
        data = b"".join(self.vocab[token_id] for token_id in ids)
    except KeyError as error:
        raise ValueError(f"unknown token id {error.args[0]!r}") from None
    return data.decode("utf-8")


BPETokenizer.decode = _decode_strict
