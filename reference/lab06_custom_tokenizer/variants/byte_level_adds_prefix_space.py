"""The byte-level pre-tokenizer is ``ByteLevel()`` with its default ``add_prefix_space=True``.

A space is put in front of the text, so the first word becomes "Ġword"
like every other one: the pieces, offsets and decoded text change.
"""

_correct_build_pre_tokenizer = build_pre_tokenizer


def build_pre_tokenizer(name):
    if name == "byte_level":
        return pre_tokenizers.ByteLevel()
    return _correct_build_pre_tokenizer(name)
