"""ALL-CAPS emphasis is applied even when the whole text is in capitals (no mixed-case check)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import math as _math


def token_valences(tokens, lexicon):
    lowered = [token.lower() for token in tokens]
    negated = negation_mask(tokens)
    first_but = lowered.index("but") if "but" in lowered else None
    valences = []
    for i, (token, word) in enumerate(zip(tokens, lowered)):
        if word not in lexicon or _ends_scope(token) or word in BOOSTERS or _is_negator(token):
            valences.append(0.0)
            continue
        v = float(lexicon[word])
        if token.isupper() and v != 0.0:
            v += _math.copysign(CAPS_INCREMENT, v)
        j = i - 1
        while j >= 0 and lowered[j] in BOOSTERS:
            v *= BOOSTERS[lowered[j]]
            j -= 1
        if negated[i]:
            v *= NEGATION_FACTOR
        if first_but is not None:
            v *= BUT_BEFORE if i < first_but else BUT_AFTER
        valences.append(v)
    return valences
