"""Overlapping special tokens are matched in the order they are listed instead
of longest first, so "<|endoftext|><|endoftext|>" is found as two
"<|endoftext|>" when the shorter one is listed first."""


def _special_pattern(special_tokens):
    if not special_tokens:
        return None
    return re.compile("|".join(re.escape(token) for token in special_tokens))
