"""Training does not remove the special tokens: they are pre-tokenized and
counted like ordinary text, so their bytes are merged with each other."""

_original_train_bpe = train_bpe


def train_bpe(text, vocab_size, special_tokens=()):
    _check_special_tokens(special_tokens)
    if vocab_size < 256 + len(special_tokens):
        raise ValueError("vocab_size too small")
    vocab, merges = _original_train_bpe(text, vocab_size - len(special_tokens))
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
