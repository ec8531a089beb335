"""tokenize does not lowercase: 'The' and 'the' are different tokens."""


def tokenize(text):
    if not isinstance(text, str):
        raise ValueError("text must be a str")
    return _TOKEN.findall(text)
