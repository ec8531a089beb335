"""decide blocks only when the harm score is strictly above the threshold."""


def decide(pii_kinds, leak, harm_score, *, block_threshold=0.5, block_kinds=("API_KEY",)):
    if not 0.0 <= harm_score <= 1.0:
        raise ValueError("harm_score must lie in [0, 1]")
    if leak or harm_score > block_threshold or any(k in block_kinds for k in pii_kinds):
        return "block"
    return "redact" if pii_kinds else "allow"
