"""rule_entities applies lowercase=True to the regexes too (tokens are lower-cased before the regexes run)."""

_reference_rule_entities = rule_entities


def rule_entities(tokens, *, gazetteer=None, patterns=None, lowercase=False):
    if lowercase:
        tokens = [t.lower() for t in tokens]
    return _reference_rule_entities(tokens, gazetteer=gazetteer, patterns=patterns, lowercase=lowercase)
