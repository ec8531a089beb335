"""Punctuation is taken to be string.punctuation: ASCII only, and including symbols
such as $ + = < > ^ ` | ~, so "’", "“", "«", "—", "…" are missed and "$5" loses its "$"."""

import string as _string


def is_punctuation(ch):
    if len(ch) != 1:
        raise ValueError("is_punctuation expects a single character")
    return ch in _string.punctuation
