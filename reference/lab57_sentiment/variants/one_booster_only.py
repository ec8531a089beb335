"""Only the intensifier directly before the word counts ('so very good' is only 'very good')."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import math as _math


def token_valences(tokens, lexicon):
    lowered = [token.lower() for token in tokens]
    negated = negation_mask(tokens)
    mixed = any(token not in PUNCTUATION and not token.isupper() for token in tokens)
    first_but = lowered.index("but") if "but" in lowered else None
    valences = []
    for i, (token, word) in enumerate(zip(tokens, lowered)):
        if word not in lexicon or _ends_scope(token) or word in BOOSTERS or _is_negator(token):
            valences.append(0.0)
            continue
        v = float(lexicon[word])
        if mixed and token.isupper() and v != 0.0:
            v += _math.copysign(CAPS_INCREMENT, v)
        if i > 0 and lowered[i - 1] in BOOSTERS:
            v *= BOOSTERS[lowered[i - 1]]
        if negated[i]:
            v *= NEGATION_FACTOR
        if first_but is not None:
            v *= BUT_BEFORE if i < first_but else BUT_AFTER
        valences.append(v)
    return valences
