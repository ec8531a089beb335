"""rule_entities matches a token regex anywhere in the token (re.search) instead of the whole token (re.fullmatch)."""

_reference_rule_entities = rule_entities


def rule_entities(tokens, *, gazetteer=None, patterns=None, lowercase=False):
    widened = None if patterns is None else [(label, [f".*(?:{rx}).*" for rx in regexes]) for label, regexes in patterns]
    return _reference_rule_entities(tokens, gazetteer=gazetteer, patterns=widened, lowercase=lowercase)
