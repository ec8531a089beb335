"""The negation scope counts three words but ignores commas and full stops (only 'but' ends it)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def negation_mask(tokens):
    mask, remaining = [], 0
    for token in tokens:
        if token.lower() == "but":
            remaining = 0
            mask.append(False)
            continue
        if token in PUNCTUATION:
            mask.append(False)
            continue
        mask.append(remaining > 0)
        remaining = NEGATION_SCOPE if _is_negator(token) else max(remaining - 1, 0)
    return mask
