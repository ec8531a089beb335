"""rule_entities resolves overlaps leftmost first (then longest), not longest first as the EntityRuler does."""

import re as _re


def rule_entities(tokens, *, gazetteer=None, patterns=None, lowercase=False):
    norm = (lambda s: s.lower()) if lowercase else (lambda s: s)
    text = [norm(t) for t in tokens]
    matches = set()
    for label, phrases in (gazetteer or {}).items():
        if not label:
            raise ValueError("empty label")
        for phrase in phrases:
            words = [norm(w) for w in phrase.split()]
            if not words:
                raise ValueError("empty phrase")
            n = len(words)
            matches.update((label, i, i + n) for i in range(len(text) - n + 1) if text[i:i + n] == words)
    for label, regexes in patterns or ():
        if not label or not regexes:
            raise ValueError("bad pattern")
        n = len(regexes)
        for i in range(len(tokens) - n + 1):
            if all(_re.fullmatch(rx, tok) for rx, tok in zip(regexes, tokens[i:i + n])):
                matches.add((label, i, i + n))
    taken, kept = set(), []
    for label, start, end in sorted(matches, key=lambda m: (m[1], m[1] - m[2], m[0])):
        if taken.isdisjoint(range(start, end)):
            kept.append((label, start, end))
            taken.update(range(start, end))
    return kept
