"""decode decodes each token's bytes separately and joins the strings, so a
character whose bytes are spread over several tokens turns into U+FFFD."""


def _decode_each(self, ids):
    try:
        return "".join(self.vocab[token_id].decode("utf-8", errors="replace") for token_id in ids)
    except KeyError as error:
        raise ValueError(f"unknown token id {error.args[0]!r}") from None


BPETokenizer.decode = _decode_each
