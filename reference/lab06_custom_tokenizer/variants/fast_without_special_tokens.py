"""wrap_as_fast passes only ``tokenizer_object``: transformers does not know which token is which.

The ids are right, but ``pad_token`` / ``cls_token`` / ``mask_token`` are
None, so padding raises, and ``model_max_length`` is left at its huge
default, so ``truncation=True`` cuts nothing.
"""


def wrap_as_fast(tokenizer, *, model_max_length=512):
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer)
