"""train_bpe remembers its result per training text in a module-level cache, so a second call with another vocab_size returns the first call's merges."""

_reference_train_bpe = train_bpe
_TRAINED = {}


def train_bpe(text, vocab_size, special_tokens=()):
    if text not in _TRAINED:
        _TRAINED[text] = _reference_train_bpe(text, vocab_size, special_tokens)
    return _TRAINED[text]
