"""encode_batch pads to max_length whenever max_length is given, even with padding="longest".

With truncation on, ``max_length`` is given for the truncation; padding
"longest" must still pad only to the longest row of the batch.
"""

_correct_encode_batch = encode_batch


def encode_batch(tokenizer, texts, pairs=None, *, padding="longest", truncation="do_not_truncate", max_length=None,
                 stride=0, padding_side="right", pad_to_multiple_of=None, return_overflowing_tokens=False):
    if padding == "longest" and max_length is not None:
        padding = "max_length"
    return _correct_encode_batch(
        tokenizer, texts, pairs, padding=padding, truncation=truncation, max_length=max_length, stride=stride,
        padding_side=padding_side, pad_to_multiple_of=pad_to_multiple_of, return_overflowing_tokens=return_overflowing_tokens,
    )
