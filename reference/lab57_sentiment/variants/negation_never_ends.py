"""Negation that never ends: a negator negates every later word of its clause, whatever NEGATION_SCOPE says."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def negation_mask(tokens):
    mask, open_scope = [], False
    for token in tokens:
        if _ends_scope(token):
            open_scope = False
            mask.append(False)
            continue
        mask.append(open_scope)
        open_scope = open_scope or _is_negator(token)
    return mask
