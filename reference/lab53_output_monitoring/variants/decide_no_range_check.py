"""decide accepts any harm score (NaN and values outside [0, 1] included)."""


def decide(pii_kinds, leak, harm_score, *, block_threshold=0.5, block_kinds=("API_KEY",)):
    if leak or harm_score >= block_threshold or any(k in block_kinds for k in pii_kinds):
        return "block"
    return "redact" if len(pii_kinds) > 0 else "allow"
