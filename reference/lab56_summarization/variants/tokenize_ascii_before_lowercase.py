"""Tokens are taken as ASCII runs before lowercasing, so characters that lowercase to ASCII (Kelvin sign, dotted I) are lost."""


def tokenize(text):
    return [t.lower() for t in re.findall(r"[A-Za-z0-9]+", text)]
