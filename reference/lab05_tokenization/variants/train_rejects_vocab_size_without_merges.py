"""train_bpe demands room for at least one merge (vocab_size <= 256 + specials raises), although vocab_size == 256 + len(special_tokens) is valid."""

_reference_train_bpe = train_bpe


def train_bpe(text, vocab_size, special_tokens=()):
    if vocab_size <= 256 + len(special_tokens):
        raise ValueError("vocab_size leaves no room for merges")
    return _reference_train_bpe(text, vocab_size, special_tokens)
