"""The pre-tokenization pattern lacks GPT-2's optional leading space (" ?")
before letters, digits and symbols, so spaces become pieces of their own
instead of staying with the next word."""

_GPT2_SPLIT = regex.compile(r"""'(?:[sdmt]|ll|ve|re)|\p{L}+|\p{N}+|[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
