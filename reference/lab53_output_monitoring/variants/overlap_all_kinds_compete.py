"""kinds filters the result after the overlap resolution, so unrequested kinds still hide requested ones."""

_find_pii_all = find_pii


def find_pii(text, kinds=None):
    wanted = set(PII_KINDS) if kinds is None else set(kinds)
    if wanted - set(PII_KINDS):
        raise ValueError("unknown PII kinds")
    return [m for m in _find_pii_all(text) if m["kind"] in wanted]
