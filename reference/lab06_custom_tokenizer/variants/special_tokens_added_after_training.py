"""The trainer is not told about the special tokens; they are added after training.

``add_special_tokens`` appends them after the learned vocabulary, so [PAD],
[UNK], [CLS], [SEP], [MASK] get the ids vocab_size..vocab_size+4 instead of
0..4, the vocabulary is five entries too large, and the model itself has no
[UNK] entry.
"""


def train_tokenizer(lines, vocab_size, *, model="wordpiece", normalizer="uncased", pre_tokenizer="bert", min_frequency=2):
    if len(lines) == 0:
        raise ValueError("cannot train on an empty corpus")
    if vocab_size <= len(SPECIAL_TOKENS):
        raise ValueError("vocab_size too small")
    tokenizer = build_tokenizer(model, normalizer, pre_tokenizer)
    trainer = _make_trainer(model, vocab_size, pre_tokenizer=pre_tokenizer, min_frequency=min_frequency)
    trainer.special_tokens = []
    tokenizer.train_from_iterator(list(lines), trainer=trainer)
    tokenizer.add_special_tokens(list(SPECIAL_TOKENS))
    return add_bert_post_processor(tokenizer)
