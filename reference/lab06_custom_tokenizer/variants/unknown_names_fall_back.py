"""Unknown recipe names fall back to a default instead of raising ValueError.

build_decoder returns None for any name it does not know, and
build_normalizer / build_pre_tokenizer fall back to the "uncased" / "bert"
recipes: a typo such as "bytelevel" silently trains another tokenizer.
"""

_correct_build_normalizer, _correct_build_pre_tokenizer, _correct_build_decoder = build_normalizer, build_pre_tokenizer, build_decoder


def build_normalizer(name):
    return _correct_build_normalizer(name if name in NORMALIZERS else "uncased")


def build_pre_tokenizer(name):
    return _correct_build_pre_tokenizer(name if name in PRE_TOKENIZERS else "bert")


def build_decoder(model, pre_tokenizer):
    if model not in MODELS or pre_tokenizer not in PRE_TOKENIZERS:
        return None
    return _correct_build_decoder(model, pre_tokenizer)
