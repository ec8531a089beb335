"""Any Luhn-valid digit run is a card, whatever its number of digits."""

_candidates_ok = _candidates


def _candidates(text, kinds):
    found = set(_candidates_ok(text, set(kinds) - {"CARD"}))
    if "CARD" in kinds:
        found.update((m.start(), m.end(), "CARD") for m in _DIGIT_RUN_RE.finditer(text) if luhn_valid(m.group()))
    return list(found)
