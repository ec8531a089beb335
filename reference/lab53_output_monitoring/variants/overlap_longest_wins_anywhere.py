"""Overlaps: the longest candidate wins wherever it starts (not left to right)."""


def find_pii(text, kinds=None):
    wanted = set(PII_KINDS) if kinds is None else set(kinds)
    if wanted - set(PII_KINDS):
        raise ValueError("unknown PII kinds")
    order = {kind: i for i, kind in enumerate(PII_KINDS)}
    kept = []
    for start, stop, kind in sorted(_candidates(text, wanted), key=lambda c: (c[0] - c[1], c[0], order[c[2]])):
        if all(stop <= k["start"] or start >= k["end"] for k in kept):
            kept.append({"kind": kind, "start": start, "end": stop, "text": text[start:stop]})
    return sorted(kept, key=lambda k: k["start"])
