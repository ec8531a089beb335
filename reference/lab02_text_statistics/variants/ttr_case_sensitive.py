"""type_token_ratio counts types on the raw tokens, without lower-casing ("The" != "the")."""


def type_token_ratio(text):
    tokens = re.findall(WORD_PATTERN, text)
    if not tokens:
        raise ValueError("type-token ratio of a text without words is undefined")
    return len(set(tokens)) / len(tokens)
