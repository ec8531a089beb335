"""contains_canary without Unicode NFKC: full-width letters slip through."""


def contains_canary(output, canary):
    def squash(s):
        return "".join(c for c in s.casefold() if c.isalnum())
    if not squash(canary):
        raise ValueError("empty canary")
    return squash(canary) in squash(output)
