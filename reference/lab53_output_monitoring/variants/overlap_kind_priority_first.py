"""Overlaps: the detectors claim text one after the other in PII_KINDS order (a card beats an earlier phone)."""


def find_pii(text, kinds=None):
    wanted = set(PII_KINDS) if kinds is None else set(kinds)
    if wanted - set(PII_KINDS):
        raise ValueError("unknown PII kinds")
    kept = []
    for kind in PII_KINDS:
        if kind not in wanted:
            continue
        for start, stop, k in sorted(_candidates(text, {kind})):
            if all(stop <= m["start"] or start >= m["end"] for m in kept):
                kept.append({"kind": k, "start": start, "end": stop, "text": text[start:stop]})
    return sorted(kept, key=lambda k: k["start"])
