"""trace_pipeline assumes every tokenizer has a normalizer and a pre-tokenizer.

It calls ``tokenizer.normalizer.normalize_str`` and
``tokenizer.pre_tokenizer.pre_tokenize_str`` directly, so a tokenizer
without them (a bare ``WordLevel`` model) makes it crash instead of giving
the text itself and one piece ``(0, len)``.
"""


def trace_pipeline(tokenizer, text):
    normalized = tokenizer.normalizer.normalize_str(text)
    pieces = [(piece, (start, end)) for piece, (start, end) in tokenizer.pre_tokenizer.pre_tokenize_str(normalized)]
    encoding = tokenizer.encode(text, add_special_tokens=False)
    return {
        "normalized": normalized,
        "pre_tokens": pieces,
        "tokens": list(encoding.tokens),
        "spans": [text[start:end] for start, end in encoding.offsets],
    }
