"""High-entropy tokens need entropy strictly above 4.0 (the boundary 4.0 is missed)."""

_candidates_ok = _candidates

_shannon_entropy_ok = shannon_entropy


def _candidates(text, kinds):
    found = set(_candidates_ok(text, kinds - {"API_KEY"}))
    if "API_KEY" in kinds:
        found.update((m.start(), m.end(), "API_KEY") for m in _KEY_RE.finditer(text))
        for m in _TOKEN_KEY_RE.finditer(text):
            t = m.group()
            if any(c.isalpha() for c in t) and any(c.isdigit() for c in t) and _shannon_entropy_ok(t) > 4.0:
                found.add((m.start(), m.end(), "API_KEY"))
    return list(found)
