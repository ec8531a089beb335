"""detect_injection matches the normalised text only and never looks at its rot13, leetspeak or base64 readings."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def detect_injection(text):
    folded = skeleton(text)
    families = [f for f in FAMILIES if _RULES[f].search(folded)]
    return {"is_attack": bool(families), "families": families, "encodings": ["plain"] if families else []}
