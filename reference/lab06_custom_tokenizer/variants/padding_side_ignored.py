"""encode_batch always pads on the right: ``padding_side`` is never passed to ``enable_padding``.

``enable_padding``'s ``direction`` defaults to ``"right"``, so left padding
(what decoder-only models want for generation) silently becomes right padding.
"""

_correct_encode_batch = encode_batch


def encode_batch(tokenizer, texts, pairs=None, *, padding="longest", truncation="do_not_truncate", max_length=None,
                 stride=0, padding_side="right", pad_to_multiple_of=None, return_overflowing_tokens=False):
    if padding_side not in ("right", "left"):
        raise ValueError(f"padding_side must be 'right' or 'left', got {padding_side!r}")
    return _correct_encode_batch(
        tokenizer, texts, pairs, padding=padding, truncation=truncation, max_length=max_length, stride=stride,
        padding_side="right", pad_to_multiple_of=pad_to_multiple_of, return_overflowing_tokens=return_overflowing_tokens,
    )
