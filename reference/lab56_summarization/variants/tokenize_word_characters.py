"""Tokens are \\w+ runs: underscores and non-ASCII letters are kept, unlike rouge-score."""


def tokenize(text):
    return re.findall(r"\w+", text.lower())
