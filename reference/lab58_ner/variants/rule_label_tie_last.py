"""rule_entities breaks a same-span label tie with the label that sorts LAST."""

_reference_rule_entities = rule_entities


def rule_entities(tokens, *, gazetteer=None, patterns=None, lowercase=False):
    flip = lambda label: "".join(chr(0x10FFFF - ord(c)) for c in label)
    g = None if gazetteer is None else {flip(k): v for k, v in gazetteer.items()}
    p = None if patterns is None else [(flip(k), v) for k, v in patterns]
    return [(flip(label), s, e) for label, s, e in _reference_rule_entities(tokens, gazetteer=g, patterns=p, lowercase=lowercase)]
