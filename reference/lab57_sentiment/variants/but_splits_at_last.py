"""The last 'but' of the text splits it instead of the first one."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

_reference_token_valences = token_valences


def token_valences(tokens, lexicon):
    lowered = [t.lower() for t in tokens]
    if lowered.count("but") < 2:
        return _reference_token_valences(tokens, lexicon)
    last = len(lowered) - 1 - lowered[::-1].index("but")
    first = lowered.index("but")
    out = _reference_token_valences(tokens, lexicon)
    # undo the first-but weights, apply the last-but ones
    return [v / (BUT_BEFORE if i < first else BUT_AFTER) * (BUT_BEFORE if i < last else BUT_AFTER)
            for i, v in enumerate(out)]
