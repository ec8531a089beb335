"""The scope stops one word early: only the next NEGATION_SCOPE - 1 words are negated."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def negation_mask(tokens):
    mask, remaining = [], 0
    for token in tokens:
        if _ends_scope(token):
            remaining = 0
            mask.append(False)
            continue
        mask.append(remaining > 0)
        remaining = NEGATION_SCOPE - 1 if _is_negator(token) else max(remaining - 1, 0)
    return mask
