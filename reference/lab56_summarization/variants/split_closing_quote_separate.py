"""Sentences end right after the punctuation: a closing quote or bracket is pushed to the next sentence."""

_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"'\u201d\u2019)\]])")
