"""add_bert_post_processor sets the post-processor on a copy and returns the copy.

The returned tokenizer is right, but the one the caller passed in is left
without ``[CLS]``/``[SEP]``, although the docstring says it is changed and
returned (the same object).
"""

_correct_add_bert_post_processor = add_bert_post_processor


def add_bert_post_processor(tokenizer):
    return _correct_add_bert_post_processor(Tokenizer.from_str(tokenizer.to_str()))
