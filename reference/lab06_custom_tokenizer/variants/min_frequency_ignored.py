"""train_tokenizer never passes min_frequency to the trainer.

The library's default (0: every pair may be merged) is used whatever the
caller asks, so a small corpus gets merges of pairs seen only once.
"""

_correct_make_trainer = _make_trainer


def _make_trainer(model, vocab_size, *, pre_tokenizer="bert", min_frequency=2):
    trainer = _correct_make_trainer(model, vocab_size, pre_tokenizer=pre_tokenizer, min_frequency=min_frequency)
    if model != "unigram":
        trainer.min_frequency = 0
    return trainer
