"""Normalisation after detection: the rules are matched against the raw text (and raw readings of it), lower-cased, and only the text passed on is normalised, so zero-width characters, homoglyphs and full-width letters hide an attack."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def detect_injection(text):
    _require_str(text)
    views = [("plain", text), *encoded_views(text)]
    families, encodings = set(), set()
    for name, view in views:
        for family, rule in _RULES.items():
            if rule.search(view.lower()):
                families.add(family)
                encodings.add(name)
    return {
        "is_attack": bool(families),
        "families": [f for f in FAMILIES if f in families],
        "encodings": [e for e in ENCODINGS if e in encodings],
    }
