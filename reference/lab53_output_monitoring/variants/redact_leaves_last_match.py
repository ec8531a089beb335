"""Redaction that leaves the last match: the loop stops one span early."""


def redact(text, kinds=None):
    matches = find_pii(text, kinds)
    pieces, last = [], 0
    for match in matches[:-1]:
        pieces.append(text[last : match["start"]])
        pieces.append(f"[{match['kind']}]")
        last = match["end"]
    pieces.append(text[last:])
    return "".join(pieces)
