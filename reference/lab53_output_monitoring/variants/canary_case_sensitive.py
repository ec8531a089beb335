"""contains_canary drops separators but does not fold case."""


def contains_canary(output, canary):
    def squash(s):
        return "".join(c for c in unicodedata.normalize("NFKC", s) if c.isalnum())
    if not squash(canary):
        raise ValueError("empty canary")
    return squash(canary) in squash(output)
