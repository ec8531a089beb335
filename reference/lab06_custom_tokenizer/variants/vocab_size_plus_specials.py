"""vocab_size is taken to mean "learned tokens", and the special tokens are added on top.

The trainer gets ``vocab_size + len(SPECIAL_TOKENS)``, so the vocabulary is
five entries larger than asked for.
"""

_correct_make_trainer = _make_trainer


def _make_trainer(model, vocab_size, *, pre_tokenizer="bert", min_frequency=2):
    return _correct_make_trainer(model, vocab_size + len(SPECIAL_TOKENS), pre_tokenizer=pre_tokenizer, min_frequency=min_frequency)
