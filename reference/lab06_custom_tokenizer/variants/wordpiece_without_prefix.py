"""WordPiece trained and applied without the "##" continuing-subword prefix.

With an empty prefix a word-initial piece and a word-internal piece look
the same ("play" + "ing" instead of "play" + "##ing"): the vocabulary
differs from WordPiece's, and the decoder cannot glue pieces back into words.
"""

_correct_build_tokenizer = build_tokenizer
_correct_make_trainer = _make_trainer


def build_tokenizer(model="wordpiece", normalizer="uncased", pre_tokenizer="bert"):
    tokenizer = _correct_build_tokenizer(model, normalizer, pre_tokenizer)
    if model == "wordpiece":
        tokenizer.model = models.WordPiece(unk_token=UNK_TOKEN, continuing_subword_prefix="")
    return tokenizer


def _make_trainer(model, vocab_size, *, pre_tokenizer="bert", min_frequency=2):
    if model == "wordpiece":
        return trainers.WordPieceTrainer(
            vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=list(SPECIAL_TOKENS),
            continuing_subword_prefix="", show_progress=False,
        )
    return _correct_make_trainer(model, vocab_size, pre_tokenizer=pre_tokenizer, min_frequency=min_frequency)
