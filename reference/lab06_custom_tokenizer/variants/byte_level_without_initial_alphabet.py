"""Byte-level BPE trained without ``initial_alphabet=ByteLevel.alphabet()``.

Only the bytes seen in the corpus enter the vocabulary, so a text with an
unseen character (a new script, an emoji) hits [UNK] and no longer decodes
back to itself -- the very property byte-level BPE exists for.
"""

_correct_make_trainer = _make_trainer


def _make_trainer(model, vocab_size, *, pre_tokenizer="bert", min_frequency=2):
    return _correct_make_trainer(model, vocab_size, pre_tokenizer="whitespace", min_frequency=min_frequency)
