"""A keyword detector: any text that mentions ignoring, instructions, pretending, acting as, developer mode or a system prompt is an attack, benign questions included."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

_KEYWORDS = ("ignore", "instruction", "pretend", "act as", "developer mode", "system prompt", "jailbr", "disregard",
             "forget", "roleplay", "role-play", "no restrictions", "override", "dan", "reveal")


def detect_injection(text):
    plain = normalize_text(text)
    families, encodings = set(), set()
    for name, view in [("plain", plain), *encoded_views(plain)]:
        folded = skeleton(view)
        if any(k in folded for k in _KEYWORDS[:1] + _KEYWORDS[2:]):
            fam = "roleplay" if any(k in folded for k in ("pretend", "act as", "dan", "jailbr", "role")) else "override"
            families.add(fam)
            encodings.add(name)
    return {
        "is_attack": bool(families),
        "families": [f for f in FAMILIES if f in families],
        "encodings": [e for e in ENCODINGS if e in encodings],
    }
